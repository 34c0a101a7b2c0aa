"""What every feature profile shares: the request (the requester's row, distances, the
personalised PageRank of cities like it) and the features every profile may use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from covenant_hub.matching.engine.geo import decay, haversine_km
from covenant_hub.matching.engine.records import CITY_KINDS

if TYPE_CHECKING:
    from covenant_hub.matching.engine.model import MatchModel


def profile_of(requester_kind: str, kind: str) -> str:
    """Which feature profile answers "a `requester_kind` looks for a `kind`"."""
    city_asks = requester_kind in CITY_KINDS
    city_wanted = kind in CITY_KINDS
    if city_asks:
        return "city" if city_wanted else "network"
    return "reach" if city_wanted else "peer"


@dataclass
class RecentJoiners:
    """Cities that joined a kind of network lately, and when "lately" ended."""

    mask: np.ndarray  # over graph rows: 1.0 for a city that joined in the recent months
    newest: date


@dataclass
class Request:
    """What every feature of one request shares: the requester's row, distances, seeds."""

    row: int
    kind: str
    candidates: np.ndarray
    distance: np.ndarray
    ppr: np.ndarray
    # Set by `network_features`, read again by the reasons of each result.
    recent_joiners: RecentJoiners | None = None


def prepare(model: MatchModel, row: int, kind: str, candidates: np.ndarray) -> Request:
    graph = model.graph
    n = graph.n
    distance = haversine_km(graph.lat[row], graph.lon[row], graph.lat[:n], graph.lon[:n])
    settings = model.weights["ppr"]
    seed = similar_seed(model, row, distance)
    ppr = graph.personalised_pagerank(seed, settings["restart"], settings["iterations"])
    return Request(row=row, kind=kind, candidates=candidates, distance=distance, ppr=ppr[:n])


def similar_seed(model: MatchModel, row: int, distance: np.ndarray, size: int = 20) -> dict[int, float]:
    """The requester itself if linked, plus linked cities most like it (near, same country,
    similar population): a new city with no edges still gets a meaningful walk."""
    graph = model.graph
    n = graph.n
    linked = graph.walk_deg[:n] > 0
    seed = {row: 1.0} if linked[row] else {}
    is_city = np.isin(graph.kind[:n], model.city_kind_codes)
    pool = np.flatnonzero(linked & is_city)
    pool = pool[pool != row]
    if not len(pool):
        return seed
    similarity = decay(distance[pool], 30.0) + 0.3 * (graph.country[pool] == graph.country[row])
    if not np.isnan(graph.logpop[row]):
        similarity *= np.exp(-np.nan_to_num(np.abs(graph.logpop[pool] - graph.logpop[row]), nan=1.0))
    for index in smallest(-similarity, size):
        seed[int(pool[index])] = float(similarity[index])
    return seed


def smallest(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k smallest values in order (ties by index): O(n), not a full sort."""
    if len(values) > k:
        part = np.argpartition(values, k - 1)[:k]
        cut = values[part].max()
        part = np.flatnonzero(values <= cut)  # keep every tie at the cut, so order is stable
    else:
        part = np.arange(len(values))
    return part[np.lexsort((part, values[part]))][:k]


def scaled(values: np.ndarray) -> np.ndarray:
    top = values.max() if len(values) else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def bit_jaccard(masks: np.ndarray, row: int, candidates: np.ndarray) -> np.ndarray:
    mine = masks[row]
    theirs = masks[candidates]
    union = np.bitwise_or(theirs, mine)
    inter = np.bitwise_and(theirs, mine)
    if not mine:
        return np.zeros(len(candidates))
    u = np.bitwise_count(union).astype(float)
    return np.asarray(
        np.divide(np.bitwise_count(inter).astype(float), u, out=np.zeros(len(candidates)), where=u > 0)
    )


def text_similarity(model: MatchModel, query_row: int, side: str, candidates: np.ndarray) -> np.ndarray:
    """One row's needs (or offers) against the other side of every candidate: the TF-IDF
    cosine, or the similarity by meaning where that is higher (another language)."""
    words = tfidf_similarity(model, query_row, side, candidates)
    if model.meaning is None:
        return words
    ids = model.graph.ids
    me, others = int(ids[query_row]), np.asarray(ids)[candidates]
    meant = (model.meaning.offer_scores(me, others) if side == "offers"
             else model.meaning.need_scores(me, others))  # fmt: skip
    return np.asarray(np.maximum(words, meant))


def tfidf_similarity(model: MatchModel, query_row: int, side: str, candidates: np.ndarray) -> np.ndarray:
    """Cosine of one row's needs (or offers) against the other side of every candidate."""
    own = "needs" if side == "offers" else "offers"
    cols, vals = getattr(model.text, own).row(query_row)
    if not len(cols):
        return np.zeros(len(candidates))
    from scipy import sparse

    query = sparse.csr_matrix(
        (vals, (np.zeros(len(cols), dtype=np.int32), cols)), shape=(1, getattr(model.text, own).shape[1])
    )
    return np.asarray(getattr(model.text, side).matvec_sparse(query)[candidates])


def common_features(model: MatchModel, req: Request) -> dict[str, np.ndarray]:
    """Features every profile may use."""
    graph, c, row = model.graph, req.candidates, req.row
    same = (graph.country[c] == graph.country[row]) & (graph.country[row] >= 0)
    languages = model.masks["languages"]
    return {
        "geo": decay(req.distance[c], 100.0),
        "same_country": same.astype(float),
        "ppr": scaled(req.ppr[c]),
        "language": (np.bitwise_and(languages[c], languages[row]) > 0).astype(float),
        "sectors": bit_jaccard(model.masks["sectors"], row, c),
        "commitments": bit_jaccard(model.masks["commitments"], row, c),
    }
