"""Features of a city looking for peer or candidate cities, and the reciprocal text score."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from covenant_hub.matching.engine.features.common import Request, common_features, scaled, text_similarity
from covenant_hub.matching.engine.records import LINK_KINDS

if TYPE_CHECKING:
    from covenant_hub.matching.engine.model import MatchModel


def city_features(model: MatchModel, req: Request) -> dict[str, np.ndarray]:
    """A city looking for peer or candidate cities."""
    graph, c, row = model.graph, req.candidates, req.row
    features = common_features(model, req)
    features["text"] = text_similarity(model, row, "offers", c)
    features["shared_partners"] = scaled(_adamic_adar(model, row)[c])
    pops = graph.logpop[c]
    features["population"] = np.nan_to_num(np.exp(-np.abs(pops - graph.logpop[row])), nan=0.0)
    features["practices"] = scaled(np.log1p(model.practice_count[c]))
    return features


def reciprocal_text(model: MatchModel, req: Request) -> np.ndarray:
    """What each candidate city needs against what the requester offers: the one part of the
    reciprocal city-to-city score that differs from the forward one."""
    return text_similarity(model, req.row, "needs", req.candidates)


def _adamic_adar(model: MatchModel, row: int) -> np.ndarray:
    """Sum over shared neighbours z (any link kind) of 1 / log(2 + degree of z)."""
    graph = model.graph
    start = np.zeros(graph.capacity)
    start[row] = 1.0
    zero = np.zeros(graph.capacity)  # the start of each sum: an array, never the int 0
    neighbours = sum((graph.adj[k].matvec(start) for k in LINK_KINDS), zero)
    degree = sum((graph.deg[k] for k in LINK_KINDS), zero)
    weighted = np.where(neighbours > 0, 1.0 / np.log(2.0 + degree), 0.0)
    scores = sum((graph.adj[k].matvec(weighted) for k in LINK_KINDS), zero)
    scores[row] = 0.0
    return scores
