"""Proposals for one match request: the engine's ranking for the requester, narrowed by what
the request asks (kinds, languages, distance) and re-weighted by its own words and sectors.

The engine ranks organisations for an organisation; a request adds a need written for the
occasion. Its text is compared with what candidates offer and have done (the same TF-IDF
index), and its sectors with theirs, so two requests from one city can differ. Free of Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from covenant_hub.matching.engine.geo import haversine_km
from covenant_hub.matching.engine.model import MatchModel
from covenant_hub.matching.engine.ranker import Match, match_at, ranked_order, score_all
from covenant_hub.matching.engine.reasons import MAX_REASONS, reasons_for, text_reasons, typical_values

DEFAULT_REQUEST_WEIGHTS = {"text": 0.5, "sectors": 0.25, "pool": 60, "per_kind": 5}


@dataclass(frozen=True)
class RequestQuery:
    """What a request asks for, as plain values."""

    org_id: int
    text: str
    kinds: tuple[str, ...]
    sectors: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    max_km: int | None = None


@dataclass
class Draft:
    """One proposal before it is stored."""

    org_id: int
    external_id: str
    kind: str
    score: float
    reasons: list[dict[str, Any]] = field(default_factory=list)


def rank_for_request(model: MatchModel, query: RequestQuery) -> list[Draft]:
    """The best `per_kind` candidates of every wanted kind, best first within each kind."""
    settings = {**DEFAULT_REQUEST_WEIGHTS, **model.weights.get("request", {})}
    text_query = model.text.query(query.text)
    similarity = model.text.similarity(text_query, "offers")
    drafts: list[Draft] = []
    size = int(settings["pool"])
    for kind in query.kinds:
        scored = score_all(model, query.org_id, kind)
        positions = (int(p) for p in ranked_order(model, scored, size)[:size])
        pool = [(p, m) for p in positions if _fits(model, query, m := match_at(model, scored, p))]
        top = max((m.score for _, m in pool), default=0.0)
        ranked = [(_draft(model, query, m, top, similarity, text_query, settings), p) for p, m in pool]
        ranked.sort(key=lambda pair: (-pair[0].score, pair[0].external_id))
        kept = ranked[: int(settings["per_kind"])]
        # Only the kept few need the engine's reasons: not the whole pool.
        typical = typical_values(scored) if kept else {}
        for draft, position in kept:
            draft.reasons = _merge(draft.reasons, reasons_for(model, scored, position, typical))
            drafts.append(draft)
    return drafts


def distance_km(model: MatchModel, a: int, b: int) -> float | None:
    one, other = model.orgs[a], model.orgs[b]
    if one.lat is None or one.lon is None or other.lat is None or other.lon is None:
        return None
    value = haversine_km(one.lat, one.lon, np.array([other.lat]), np.array([other.lon]))[0]
    return float(value)


def _fits(model: MatchModel, query: RequestQuery, match: Match) -> bool:
    """Hard limits: a candidate known to be too far, or to work in none of the languages, goes."""
    candidate = model.orgs[match.org_id]
    if query.languages and candidate.languages and not set(query.languages) & set(candidate.languages):
        return False
    if query.max_km:
        km = distance_km(model, query.org_id, match.org_id)
        if km is not None and km > query.max_km:
            return False
    return True


def _draft(
    model: MatchModel,
    query: RequestQuery,
    match: Match,
    top: float,
    similarity: Any,
    text_query: Any,
    settings: dict[str, Any],
) -> Draft:
    row = model.graph.pos[match.org_id]
    text_score = float(similarity[row]) if similarity is not None else 0.0
    candidate = model.orgs[match.org_id]
    shared = [s for s in query.sectors if s in candidate.sectors]
    sector_score = len(shared) / len(query.sectors) if query.sectors else 0.0
    base = match.score / top if top > 0 else 0.0
    score = base + settings["text"] * text_score + settings["sectors"] * sector_score
    terms = model.text.shared_terms(text_query, row) if text_score > 0 else []
    own = text_reasons(model, row, query.text, terms)
    if shared:
        own.append({"code": "shared_sectors", "params": {"sectors": shared}})
    return Draft(match.org_id, match.external_id, match.kind, round(score, 4), own)


def _merge(own: list[dict[str, Any]], engine: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The request's own reasons first, then the engine's; the distance always stays last."""
    codes = {r["code"] for r in own}
    distance = [r for r in engine if r["code"] == "distance_km"]
    rest = [r for r in engine if r["code"] not in codes and r["code"] != "distance_km"]
    return (own + rest)[: MAX_REASONS + 1 - len(distance)] + distance
