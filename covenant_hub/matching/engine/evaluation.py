"""Time-split evaluation: hide the links of the organisations that joined in a window,
rebuild without them, and see where their real supporter or coordinator ranks.

Supporters and coordinators derived from GCoM rows have their country and location computed
from their members; in the evaluation they are recomputed from the *visible* members only, so
a hidden city never gives away its own network's location.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from covenant_hub.matching.engine.baselines import BASELINES
from covenant_hub.matching.engine.model import MatchModel
from covenant_hub.matching.engine.ranker import ranked_order, score_all
from covenant_hub.matching.engine.records import CITY_KINDS, LINK_OF_KIND, OrgRecord, Snapshot

DERIVED_PREFIXES = ("gcom-sup-", "gcom-coord-")
CUTOFF = 10


@dataclass
class Split:
    """The model's view of the past and the answers it has to find."""

    snapshot: Snapshot
    answers: dict[int, set[int]]


@dataclass
class MethodScore:
    name: str
    hits_at_1: float = 0.0
    hits_at_10: float = 0.0
    mrr: float = 0.0
    ndcg_at_10: float = 0.0
    coverage: float = 0.0
    queries: int = 0

    def as_json(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass
class Tally:
    """Running sums for one method."""

    ranks: list[list[int]] = field(default_factory=list)
    shown: set[int] = field(default_factory=set)


def time_split(snapshot: Snapshot, since: date, until: date, kind: str) -> Split:
    """Drop cities that joined on or after `until`; hide the `kind` links of those in the window."""
    link = LINK_OF_KIND[kind]
    future = {o.id for o in snapshot.orgs if o.kind in CITY_KINDS and o.joined and o.joined >= until}
    window = {o.id for o in snapshot.orgs if o.kind in CITY_KINDS and o.joined and since <= o.joined < until}
    answers: dict[int, set[int]] = {}
    kept = []
    for li in snapshot.links:
        if li.source in future or li.target in future:
            continue
        if li.kind == link and li.source in window:
            answers.setdefault(li.source, set()).add(li.target)
            continue
        kept.append(li)
    orgs = [o for o in snapshot.orgs if o.id not in future]
    practices = [p for p in snapshot.practices if p.org_id not in future]
    past = Snapshot(orgs=orgs, links=kept, practices=practices, vectors=snapshot.vectors)
    return Split(snapshot=_rederive_places(past), answers=answers)


def _rederive_places(snapshot: Snapshot) -> Snapshot:
    """Place derived networks where their visible members are (nowhere if none is visible)."""
    members: dict[int, list[OrgRecord]] = {}
    orgs = snapshot.org_by_id()
    for li in snapshot.links:
        if li.kind in LINK_OF_KIND.values() and li.source in orgs:
            members.setdefault(li.target, []).append(orgs[li.source])
    changed = [
        _place(org, members.get(org.id, [])) if org.external_id.startswith(DERIVED_PREFIXES) else org
        for org in snapshot.orgs
    ]
    return snapshot.with_orgs(changed)


def _place(org: OrgRecord, members: list[OrgRecord]) -> OrgRecord:
    """The rule of the GCoM reader: a majority country, the member nearest the median point."""
    countries = Counter(m.country for m in members if m.country)
    country = None
    if countries:
        top, count = countries.most_common(1)[0]
        country = top if count / len(members) > 0.5 else None
    placed = [
        m
        for m in members
        if m.lat is not None and m.lon is not None and (country is None or m.country == country)
    ]
    if not placed:
        return replace(org, country=country, lat=None, lon=None)
    mid_lat = sorted(m.lat for m in placed)[len(placed) // 2]  # type: ignore[type-var]
    mid_lon = sorted(m.lon for m in placed)[len(placed) // 2]  # type: ignore[type-var]
    near = min(placed, key=lambda m: (m.lat - mid_lat) ** 2 + (m.lon - mid_lon) ** 2)  # type: ignore[operator]
    return replace(org, country=country, lat=near.lat, lon=near.lon)


def rank_positions(order: np.ndarray, relevant: set[int]) -> list[int]:
    """1-based ranks of the relevant ids in an ordered array of ids."""
    return [i + 1 for i, item in enumerate(order.tolist()) if item in relevant]


def summarise(name: str, tally: Tally, queries: int, catalogue: int) -> MethodScore:
    """Hits@1, Hits@10, MRR and nDCG@10 over all queries (a missing answer scores zero)."""
    score = MethodScore(name=name, queries=queries)
    if not queries:
        return score
    for ranks in tally.ranks:
        best = min(ranks, default=math.inf)
        score.hits_at_1 += best <= 1
        score.hits_at_10 += best <= CUTOFF
        score.mrr += 1.0 / best if ranks else 0.0
        ideal = sum(1 / math.log2(i + 2) for i in range(min(len(ranks), CUTOFF))) or 1.0
        score.ndcg_at_10 += sum(1 / math.log2(r + 1) for r in ranks if r <= CUTOFF) / ideal
    for attr in ("hits_at_1", "hits_at_10", "mrr", "ndcg_at_10"):
        setattr(score, attr, getattr(score, attr) / queries)
    score.coverage = len(tally.shown) / catalogue if catalogue else 0.0
    return score


def evaluate(
    snapshot: Snapshot,
    since: date,
    until: date,
    kind: str,
    weights: dict[str, Any] | None = None,
    seed: int = 0,
    progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
    embedder: Any = None,
) -> list[MethodScore]:
    """The engine and every baseline on the same hidden links; the engine first."""
    tallies, queries, catalogue = rank_hidden(snapshot, since, until, kind, weights, seed, progress, embedder)
    return [summarise(name, tally, queries, catalogue) for name, tally in tallies.items()]


def rank_hidden(
    snapshot: Snapshot,
    since: date,
    until: date,
    kind: str,
    weights: dict[str, Any] | None = None,
    seed: int = 0,
    progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
    embedder: Any = None,
) -> tuple[dict[str, Tally], int, int]:
    """Per method, the ranks of the answers of every query (in the same query order for all
    methods, so they can be compared pair by pair); the number of queries; the catalogue size."""
    split = time_split(snapshot, since, until, kind)
    model = MatchModel.build(split.snapshot, weights, embedder=embedder)
    rng = np.random.default_rng(seed)
    tallies = {name: Tally() for name in ("engine", *BASELINES)}
    queries = sorted(q for q in split.answers if q in model.graph.pos)
    for org_id in progress(queries) if progress else queries:
        _score_query(model, org_id, kind, split.answers[org_id], tallies, rng)
    return tallies, len(queries), len(model.graph.kind_rows(kind))


def _score_query(
    model: MatchModel,
    org_id: int,
    kind: str,
    answer: set[int],
    tallies: dict[str, Tally],
    rng: np.random.Generator,
) -> None:
    graph = model.graph
    relevant = {graph.pos[t] for t in answer if t in graph.pos}
    scored = score_all(model, org_id, kind)
    order = scored.request.candidates[ranked_order(model, scored, CUTOFF)]
    _record(tallies["engine"], order, relevant)
    row, candidates = scored.request.row, scored.request.candidates  # the same candidates for all
    for name, baseline in BASELINES.items():
        _record(tallies[name], candidates[baseline(model, row, kind, candidates, rng)], relevant)


def _record(tally: Tally, order: np.ndarray, relevant: set[int]) -> None:
    tally.ranks.append(rank_positions(order, relevant))
    tally.shown.update(order[:CUTOFF].tolist())
