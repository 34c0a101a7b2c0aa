"""Features of a city looking for a supporter or coordinator: how its nearest cities chose
(kernel votes, first-seen rank, cohorts, twins), who has been recruiting lately, and shares of
members by country and commitments."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from covenant_hub.matching.engine.features.common import (
    RecentJoiners,
    Request,
    common_features,
    scaled,
    smallest,
    text_similarity,
)
from covenant_hub.matching.engine.geo import decay, haversine_km
from covenant_hub.matching.engine.records import LINK_KINDS, LINK_OF_KIND

if TYPE_CHECKING:
    from covenant_hub.matching.engine.graph import GraphIndex
    from covenant_hub.matching.engine.model import MatchModel

NEAREST_KNOWN = 50

# name, kernel scale (km), how many nearest cities vote, and how votes are weighted
VOTES = (
    ("vote_near", 10.0, 10, False),
    ("vote_far", 50.0, NEAREST_KNOWN, False),
    ("vote_recent", 25.0, NEAREST_KNOWN, True),
    ("vote_alike", 25.0, NEAREST_KNOWN, None),
)

RANK_DEPTH = 20

COHORT_KM, COHORT_SIZE = 50.0, 10

RECENT = 0.75  # "recent" cities: the newest quarter of those that already have a network

RECRUITING_DAYS = 183.0  # "lately": the last six months before the newest known member

RECRUITING_KM = 100.0

STALE_DAYS = 180.0  # how fast "lately" fades for a city that joined long after those months


def network_features(model: MatchModel, req: Request) -> dict[str, np.ndarray]:
    """A city looking for a supporter or coordinator."""
    graph, c, row = model.graph, req.candidates, req.row
    link = LINK_OF_KIND[req.kind]
    n = graph.n
    known = np.flatnonzero((graph.deg[link][:n] > 0) & np.isfinite(req.distance))
    known = known[known != row]
    nearest = known[smallest(req.distance[known], NEAREST_KNOWN)]
    features = common_features(model, req)
    features.update(_votes(model, req, link, nearest))
    recent = known[graph.recency[known] >= np.quantile(graph.recency[known], RECENT)] if len(known) else known
    recent = recent[smallest(req.distance[recent], RANK_DEPTH)]
    features.update(
        {
            f"{k}_recent": v
            for k, v in _first_seen(graph, req, link, recent).items()
            if k in ("vote_rank", "knn5")
        }
    )
    features.update(_country(model, link, row, c))
    features["via_partner"] = scaled(_via_partner(model, row, link)[c])
    features["twin_vote"] = _twin_vote(model, row, link)[c]
    features["cohort_vote"] = _cohort_vote(model, req, link, known)
    req.recent_joiners = recent_joiners(model, link)
    features.update(_recruiting(model, req, link))
    degree = graph.deg[link][c]
    features["popularity"] = scaled(np.log1p(degree))
    features["recent_popularity"] = scaled(np.log1p(graph.adj[link].matvec(graph.recency)[c]))
    features["commitment_share"] = _commitment_share(graph, link, row, c)
    features["text"] = text_similarity(model, row, "offers", c)
    stats = graph.member_logpop[link][c]
    mean = np.divide(stats[:, 0], stats[:, 1], out=np.full(len(c), np.nan), where=stats[:, 1] > 0)
    features["population"] = np.nan_to_num(np.exp(-np.abs(mean - graph.logpop[row])), nan=0.0)
    return features


def _votes(model: MatchModel, req: Request, link: str, nearest: np.ndarray) -> dict[str, np.ndarray]:
    """How the nearest cities that already have one chose: kernel votes and first-seen rank."""
    graph, c = model.graph, req.candidates
    out = {}
    for name, scale, depth, recent in VOTES:
        weights = np.zeros(graph.capacity)
        chosen = nearest[:depth]
        weights[chosen] = decay(req.distance[chosen], scale) * _vote_weight(graph, req.row, chosen, recent)
        total = weights.sum()
        out[name] = graph.adj[link].matvec(weights)[c] / total if total > 0 else np.zeros(len(c))
    out.update(_first_seen(graph, req, link, nearest))
    return out


def _first_seen(graph: GraphIndex, req: Request, link: str, nearest: np.ndarray) -> dict[str, np.ndarray]:
    """The nearest-neighbour view: rank and distance at which each network first appears
    among the nearest cities, and its share of the 5 and 15 nearest."""
    cap = graph.capacity
    rank, closest = np.zeros(cap), np.full(cap, np.inf)
    share5, share15 = np.zeros(cap), np.zeros(cap)
    seen = 0
    for order, city in enumerate(nearest[:RANK_DEPTH]):
        for target in graph.neighbours(int(city), link):
            if rank[target] == 0:
                seen += 1
                rank[target] = 1.0 / seen
                closest[target] = req.distance[city]
            share5[target] += order < 5
            share15[target] += order < 15
    c = req.candidates
    return {
        "vote_rank": rank[c],
        "nearest_member": decay(closest[c], 5.0),
        "nearest_member_far": decay(closest[c], 25.0),
        "knn5": share5[c] / 5,
        "knn15": share15[c] / 15,
    }


def _cohort_vote(model: MatchModel, req: Request, link: str, known: np.ndarray) -> np.ndarray:
    """Pooled near-neighbour votes of the cities that joined the same day within 50 km:
    a batch signed up together usually shares its coordinator."""
    graph = model.graph
    mates = graph.cohort(req.row)
    mates = mates[req.distance[mates] <= COHORT_KM][:COHORT_SIZE] if len(mates) else mates
    votes = np.zeros(graph.capacity)
    for mate in mates:
        distance = haversine_km(graph.lat[mate], graph.lon[mate], graph.lat[known], graph.lon[known])
        nearest = smallest(np.nan_to_num(distance, nan=np.inf), 10)
        weights = np.zeros(graph.capacity)
        weights[known[nearest]] = decay(distance[nearest], 10.0)
        total = weights.sum()
        if total > 0:
            votes += graph.adj[link].matvec(weights) / total
    return votes[req.candidates] / len(mates) if len(mates) else np.zeros(len(req.candidates))


def recent_joiners(model: MatchModel, link: str) -> RecentJoiners | None:
    """Member cities that joined in the six months before the newest member of any network of
    this kind (None when no member has a date). Relative to the newest member, not today, so
    the data of a past period (an evaluation, an old export) has a "lately" too."""
    graph = model.graph
    n = graph.n
    members = np.flatnonzero((graph.deg[link][:n] > 0) & np.isin(graph.kind[:n], model.city_kind_codes))
    if not len(members) or graph.reference is None or graph.recency[members].max() <= 0:
        return None
    newest = float(graph.recency[members].max())
    mask = np.zeros(graph.capacity)
    mask[members] = graph.recency[members] >= newest * np.exp(-RECRUITING_DAYS / graph.recency_days)
    newest_day = graph.reference - timedelta(days=round(-graph.recency_days * np.log(newest)))
    return RecentJoiners(mask, newest_day)


def freshness(model: MatchModel, row: int, recent: RecentJoiners) -> float:
    """1 for a city that joined by the newest member's date (or has no date), fading to 0 for
    one that joined long after it (half-life about four months)."""
    joined = model.graph.joined.get(row)
    return float(np.exp(-max((joined - recent.newest).days, 0) / STALE_DAYS)) if joined else 1.0


def _recruiting(model: MatchModel, req: Request, link: str) -> dict[str, np.ndarray]:
    """Who has been signing cities up lately: the share and number of a network's members that
    joined recently, and its share of the recent joiners within 100 km. "Lately" ends at the
    newest member in the data, so a requester that joined long after it (a city in an old data
    set, or one joining years after the last import) gets little of it: for it the news is stale.
    A city with no date, or one that joined within those months, gets it in full."""
    graph, c = model.graph, req.candidates
    recent = req.recent_joiners
    if recent is None:
        return dict.fromkeys(("recruiting_share", "recruiting_count", "recruiting_near"), np.zeros(len(c)))
    fade = freshness(model, req.row, recent)
    adj = graph.adj[link]
    count = adj.matvec(recent.mask)[c]
    degree = graph.deg[link][c]
    near = recent.mask.copy()
    near[: graph.n] *= np.nan_to_num(req.distance, nan=np.inf) <= RECRUITING_KM
    near[req.row] = 0.0
    total = near.sum()
    return {
        "recruiting_share": fade * np.divide(count, degree, out=np.zeros(len(c)), where=degree > 0),
        "recruiting_count": fade * scaled(np.log1p(count)),
        "recruiting_near": fade * (adj.matvec(near)[c] / total if total else np.zeros(len(c))),
    }


def _vote_weight(graph: GraphIndex, row: int, chosen: np.ndarray, recent: bool | None) -> np.ndarray | float:
    """1 for a plain vote; recency for a recent vote; same commitments for an alike vote."""
    if recent:
        return np.asarray(graph.recency[chosen])
    if recent is None:
        commit = graph.commit
        return np.asarray(np.all(commit[chosen] == commit[row], axis=1), dtype=float)
    return 1.0


def _commitment_share(graph: GraphIndex, link: str, row: int, c: np.ndarray) -> np.ndarray:
    """Mean share of a network's members that made each of the requester's commitments."""
    mine = graph.commit[row] > 0
    if not mine.any():
        return np.zeros(len(c))
    counts = graph.member_commit[link][c][:, mine]
    total = graph.deg[link][c][:, None]
    return np.asarray(np.divide(counts, total, out=np.zeros_like(counts), where=total > 0).mean(axis=1))


def _country(model: MatchModel, link: str, row: int, c: np.ndarray) -> dict[str, np.ndarray]:
    graph = model.graph
    country = int(graph.country[row])
    counts = model.graph.member_countries[link]
    in_country = np.array([counts.get(int(t), Counter()).get(country, 0) for t in c], dtype=float)
    total = graph.deg[link][c]
    share = np.divide(in_country, total, out=np.zeros(len(c)), where=total > 0)
    return {
        "country_share": share if country >= 0 else np.zeros(len(c)),
        "country_members": scaled(np.log1p(in_country)) if country >= 0 else np.zeros(len(c)),
    }


def _twin_vote(model: MatchModel, row: int, link: str) -> np.ndarray:
    """Share of the requester's twinned partners (and, at half weight, their partners: a
    joint SEAP is a star around its first member) that chose each network."""
    graph = model.graph
    start = np.zeros(graph.capacity)
    start[row] = 1.0
    twins = graph.adj["twinned_with"].matvec(start)
    if not twins.any():
        return np.zeros(graph.capacity)
    weights = np.minimum(twins + 0.5 * graph.adj["twinned_with"].matvec(twins), 1.0)
    weights[row] = 0.0
    weights *= graph.deg[link] > 0
    total = weights.sum()
    return graph.adj[link].matvec(weights) / total if total > 0 else np.zeros(graph.capacity)


def _via_partner(model: MatchModel, row: int, link: str) -> np.ndarray:
    """Resource allocation over three hops through the requester's other links: the
    supporters of the cities that share its coordinator, say."""
    graph = model.graph
    start = np.zeros(graph.capacity)
    start[row] = 1.0
    others = [k for k in LINK_KINDS if k != link]
    zero = np.zeros(graph.capacity)  # the start of each sum: an array, never the int 0
    partners = sum((graph.adj[k].matvec(start) for k in others), zero)
    if not partners.any():
        return np.zeros(graph.capacity)
    total = sum((graph.deg[k] for k in others), zero)
    spread = np.divide(partners, total, out=np.zeros_like(partners), where=total > 0)
    peers = sum((graph.adj[k].matvec(spread) for k in others), zero)
    peers[row] = 0.0
    return graph.adj[link].matvec(peers)
