"""Features of a supporter or coordinator looking for another one to exchange with."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from covenant_hub.matching.engine.features.common import Request, common_features, scaled, text_similarity
from covenant_hub.matching.engine.features.reach import members_by_country
from covenant_hub.matching.engine.records import LINK_OF_KIND

if TYPE_CHECKING:
    from covenant_hub.matching.engine.model import MatchModel


def peer_features(model: MatchModel, req: Request) -> dict[str, np.ndarray]:
    """A supporter or coordinator looking for another one to exchange with."""
    c, row = req.candidates, req.row
    features = common_features(model, req)
    mine = members_by_country(model, row)
    norm = np.sqrt(sum(v * v for v in mine.values())) or 1.0
    overlap = np.zeros(len(c))
    for i, other in enumerate(c):
        theirs = members_by_country(model, int(other))
        dot = sum(v * theirs.get(k, 0) for k, v in mine.items())
        overlap[i] = dot / (norm * (np.sqrt(sum(v * v for v in theirs.values())) or 1.0))
    features["country_overlap"] = overlap
    features["text"] = text_similarity(model, row, "offers", c)
    degree = sum(model.graph.deg[k][c] for k in LINK_OF_KIND.values())
    features["popularity"] = scaled(np.log1p(degree))
    return features
