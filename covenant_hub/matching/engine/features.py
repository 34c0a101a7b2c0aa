"""Feature vectors for one requester against every candidate of one kind, vectorised.

Each profile (who asks, what for) has its own named features; the ranker takes a weighted
sum with weights from `weights.json`. All values are scaled to about [0, 1].
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from covenant_hub.matching.engine.geo import decay, haversine_km
from covenant_hub.matching.engine.records import CITY_KINDS, LINK_KINDS, LINK_OF_KIND

if TYPE_CHECKING:
    from covenant_hub.matching.engine.graph import GraphIndex
    from covenant_hub.matching.engine.model import MatchModel

PROFILE_FEATURES = {
    "network": ("vote_near", "vote_far", "vote_recent", "vote_alike", "vote_rank",
                "nearest_member", "nearest_member_far", "knn5", "knn15", "vote_rank_recent", "knn5_recent",
                "cohort_vote", "twin_vote", "recruiting_share", "recruiting_count", "recruiting_near",
                "recent_popularity", "commitment_share", "country_share", "country_members", "same_country",
                "geo", "ppr", "via_partner", "popularity", "text", "population", "language", "sectors"),
    "city": ("text", "shared_partners", "geo", "same_country", "population", "commitments",
             "language", "sectors", "practices", "ppr"),
    "reach": ("members_near", "country_share", "geo", "ppr", "unserved", "text", "population",
              "language", "sectors"),
    "peer": ("country_overlap", "geo", "ppr", "text", "language", "sectors", "popularity"),
}
NEAREST_KNOWN = 50
# name, kernel scale (km), how many nearest cities vote, and how votes are weighted
VOTES = (("vote_near", 10.0, 10, False), ("vote_far", 50.0, NEAREST_KNOWN, False),
         ("vote_recent", 25.0, NEAREST_KNOWN, True), ("vote_alike", 25.0, NEAREST_KNOWN, None))
RANK_DEPTH = 20
COHORT_KM, COHORT_SIZE = 50.0, 10
REACH_MEMBERS = 24
RECENT = 0.75  # "recent" cities: the newest quarter of those that already have a network
RECRUITING_DAYS = 183.0  # "lately": the last six months before the newest known member
RECRUITING_KM = 100.0
STALE_DAYS = 180.0  # how fast "lately" fades for a city that joined long after those months


def profile_of(requester_kind: str, kind: str) -> str:
    """Which feature profile answers "a `requester_kind` looks for a `kind`"."""
    city_asks = requester_kind in CITY_KINDS
    city_wanted = kind in CITY_KINDS
    if city_asks:
        return "city" if city_wanted else "network"
    return "reach" if city_wanted else "peer"


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


def _scaled(values: np.ndarray) -> np.ndarray:
    top = values.max() if len(values) else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def _bit_jaccard(masks: np.ndarray, row: int, candidates: np.ndarray) -> np.ndarray:
    mine = masks[row]
    theirs = masks[candidates]
    union = np.bitwise_or(theirs, mine)
    inter = np.bitwise_and(theirs, mine)
    if not mine:
        return np.zeros(len(candidates))
    u = np.bitwise_count(union).astype(float)
    return np.divide(np.bitwise_count(inter).astype(float), u, out=np.zeros(len(candidates)), where=u > 0)


def _text(model: MatchModel, query_row: int, side: str, candidates: np.ndarray) -> np.ndarray:
    """Cosine of one row's needs (or offers) against the other side of every candidate."""
    own = "needs" if side == "offers" else "offers"
    cols, vals = getattr(model.text, own).row(query_row)
    if not len(cols):
        return np.zeros(len(candidates))
    from scipy import sparse

    query = sparse.csr_matrix((vals, (np.zeros(len(cols), dtype=np.int32), cols)),
                              shape=(1, getattr(model.text, own).shape[1]))
    return getattr(model.text, side).matvec_sparse(query)[candidates]


def _common(model: MatchModel, req: Request) -> dict[str, np.ndarray]:
    """Features every profile may use."""
    graph, c, row = model.graph, req.candidates, req.row
    same = (graph.country[c] == graph.country[row]) & (graph.country[row] >= 0)
    languages = model.masks["languages"]
    return {
        "geo": decay(req.distance[c], 100.0),
        "same_country": same.astype(float),
        "ppr": _scaled(req.ppr[c]),
        "language": (np.bitwise_and(languages[c], languages[row]) > 0).astype(float),
        "sectors": _bit_jaccard(model.masks["sectors"], row, c),
        "commitments": _bit_jaccard(model.masks["commitments"], row, c),
    }


def network_features(model: MatchModel, req: Request) -> dict[str, np.ndarray]:
    """A city looking for a supporter or coordinator."""
    graph, c, row = model.graph, req.candidates, req.row
    link = LINK_OF_KIND[req.kind]
    n = graph.n
    known = np.flatnonzero((graph.deg[link][:n] > 0) & np.isfinite(req.distance))
    known = known[known != row]
    nearest = known[smallest(req.distance[known], NEAREST_KNOWN)]
    features = _common(model, req)
    features.update(_votes(model, req, link, nearest))
    recent = known[graph.recency[known] >= np.quantile(graph.recency[known], RECENT)] if len(known) else known
    recent = recent[smallest(req.distance[recent], RANK_DEPTH)]
    features.update({f"{k}_recent": v for k, v in _first_seen(graph, req, link, recent).items()
                     if k in ("vote_rank", "knn5")})
    features.update(_country(model, link, row, c))
    features["via_partner"] = _scaled(_via_partner(model, row, link)[c])
    features["twin_vote"] = _twin_vote(model, row, link)[c]
    features["cohort_vote"] = _cohort_vote(model, req, link, known)
    req.recent_joiners = recent_joiners(model, link)
    features.update(_recruiting(model, req, link))
    degree = graph.deg[link][c]
    features["popularity"] = _scaled(np.log1p(degree))
    features["recent_popularity"] = _scaled(np.log1p(graph.adj[link].matvec(graph.recency)[c]))
    features["commitment_share"] = _commitment_share(graph, link, row, c)
    features["text"] = _text(model, row, "offers", c)
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
    return {"vote_rank": rank[c], "nearest_member": decay(closest[c], 5.0),
            "nearest_member_far": decay(closest[c], 25.0), "knn5": share5[c] / 5, "knn15": share15[c] / 15}


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


@dataclass
class RecentJoiners:
    """Cities that joined a kind of network lately, and when "lately" ended."""

    mask: np.ndarray  # over graph rows: 1.0 for a city that joined in the recent months
    newest: date


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
        "recruiting_count": fade * _scaled(np.log1p(count)),
        "recruiting_near": fade * (adj.matvec(near)[c] / total if total else np.zeros(len(c))),
    }


def _vote_weight(graph: GraphIndex, row: int, chosen: np.ndarray, recent: bool | None) -> np.ndarray | float:
    """1 for a plain vote; recency for a recent vote; same commitments for an alike vote."""
    if recent:
        return graph.recency[chosen]
    if recent is None:
        commit = graph.commit
        return np.all(commit[chosen] == commit[row], axis=1).astype(float)
    return 1.0


def _commitment_share(graph: GraphIndex, link: str, row: int, c: np.ndarray) -> np.ndarray:
    """Mean share of a network's members that made each of the requester's commitments."""
    mine = graph.commit[row] > 0
    if not mine.any():
        return np.zeros(len(c))
    counts = graph.member_commit[link][c][:, mine]
    total = graph.deg[link][c][:, None]
    return np.divide(counts, total, out=np.zeros_like(counts), where=total > 0).mean(axis=1)


def _country(model: MatchModel, link: str, row: int, c: np.ndarray) -> dict[str, np.ndarray]:
    graph = model.graph
    country = int(graph.country[row])
    counts = model.graph.member_countries[link]
    in_country = np.array([counts.get(int(t), {}).get(country, 0) for t in c], dtype=float)
    total = graph.deg[link][c]
    share = np.divide(in_country, total, out=np.zeros(len(c)), where=total > 0)
    return {"country_share": share if country >= 0 else np.zeros(len(c)),
            "country_members": _scaled(np.log1p(in_country)) if country >= 0 else np.zeros(len(c))}


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
    partners = sum(graph.adj[k].matvec(start) for k in others)
    if not partners.any():
        return np.zeros(graph.capacity)
    total = sum(graph.deg[k] for k in others)
    spread = np.divide(partners, total, out=np.zeros_like(partners), where=total > 0)
    peers = sum(graph.adj[k].matvec(spread) for k in others)
    peers[row] = 0.0
    return graph.adj[link].matvec(peers)


def city_features(model: MatchModel, req: Request) -> dict[str, np.ndarray]:
    """A city looking for peer or candidate cities."""
    graph, c, row = model.graph, req.candidates, req.row
    features = _common(model, req)
    features["text"] = _text(model, row, "offers", c)
    features["shared_partners"] = _scaled(_adamic_adar(model, row)[c])
    pops = graph.logpop[c]
    features["population"] = np.nan_to_num(np.exp(-np.abs(pops - graph.logpop[row])), nan=0.0)
    features["practices"] = _scaled(np.log1p(model.practice_count[c]))
    return features


def reciprocal_text(model: MatchModel, req: Request) -> np.ndarray:
    """What each candidate city needs against what the requester offers: the one part of the
    reciprocal city-to-city score that differs from the forward one."""
    return _text(model, req.row, "needs", req.candidates)


def _adamic_adar(model: MatchModel, row: int) -> np.ndarray:
    """Sum over shared neighbours z (any link kind) of 1 / log(2 + degree of z)."""
    graph = model.graph
    start = np.zeros(graph.capacity)
    start[row] = 1.0
    neighbours = sum(graph.adj[k].matvec(start) for k in LINK_KINDS)
    degree = sum(graph.deg[k] for k in LINK_KINDS)
    weighted = np.where(neighbours > 0, 1.0 / np.log(2.0 + degree), 0.0)
    scores = sum(graph.adj[k].matvec(weighted) for k in LINK_KINDS)
    scores[row] = 0.0
    return scores


def member_rows(model: MatchModel, row: int, limit: int = 64) -> np.ndarray:
    """A network's member cities (at most `limit`, lowest rows first, so it is deterministic)."""
    graph = model.graph
    members = np.concatenate([graph.neighbours(row, k) for k in LINK_OF_KIND.values()])
    members = np.unique(members[np.isin(graph.kind[members], model.city_kind_codes)])
    return members[:limit]


def reach_features(model: MatchModel, req: Request) -> dict[str, np.ndarray]:
    """A supporter or coordinator looking for cities it could work with."""
    graph, c, row = model.graph, req.candidates, req.row
    features = _common(model, req)
    near = np.zeros(len(c))
    members = all_members = member_rows(model, row)
    # An even spread of at most REACH_MEMBERS members keeps the cost per request bounded.
    if len(members) > REACH_MEMBERS:
        members = members[np.linspace(0, len(members) - 1, REACH_MEMBERS).astype(int)]
    for member in np.unique(members):
        distance = haversine_km(graph.lat[member], graph.lon[member], graph.lat[c], graph.lon[c])
        near += decay(distance, 25.0)
    features["members_near"] = _scaled(near)
    counts = members_by_country(model, row)
    total = sum(counts.values())
    by_country = np.zeros(len(graph.countries) + 1)  # the last slot stands for "no country"
    for country, count in counts.items():
        if country >= 0:
            by_country[country] = count
    share = by_country[graph.country[c]]
    features["country_share"] = share / total if total else share
    link = LINK_OF_KIND.get(model.orgs[graph.ids[row]].kind, "supported_by")
    features["unserved"] = (graph.deg[link][c] == 0).astype(float)
    features["text"] = _text(model, row, "needs", c)
    pops = graph.logpop[all_members]
    mean = np.nanmean(pops) if np.isfinite(pops).any() else np.nan
    features["population"] = np.nan_to_num(np.exp(-np.abs(graph.logpop[c] - mean)), nan=0.0)
    return features


def members_by_country(model: MatchModel, row: int) -> dict[int, int]:
    """A network's member count per country code, over every kind of membership."""
    merged: dict[int, int] = {}
    for link in LINK_OF_KIND.values():
        for country, count in model.graph.member_countries[link].get(row, {}).items():
            merged[country] = merged.get(country, 0) + count
    return merged


def peer_features(model: MatchModel, req: Request) -> dict[str, np.ndarray]:
    """A supporter or coordinator looking for another one to exchange with."""
    c, row = req.candidates, req.row
    features = _common(model, req)
    mine = members_by_country(model, row)
    norm = np.sqrt(sum(v * v for v in mine.values())) or 1.0
    overlap = np.zeros(len(c))
    for i, other in enumerate(c):
        theirs = members_by_country(model, int(other))
        dot = sum(v * theirs.get(k, 0) for k, v in mine.items())
        overlap[i] = dot / (norm * (np.sqrt(sum(v * v for v in theirs.values())) or 1.0))
    features["country_overlap"] = overlap
    features["text"] = _text(model, row, "offers", c)
    degree = sum(model.graph.deg[k][c] for k in LINK_OF_KIND.values())
    features["popularity"] = _scaled(np.log1p(degree))
    return features


BUILDERS = {"network": network_features, "city": city_features, "reach": reach_features,
            "peer": peer_features}
