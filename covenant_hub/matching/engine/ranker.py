"""The hybrid ranker: weighted features, reciprocal city-to-city scores, a diverse head.

`recommend` is what callers use; `score_all` exposes raw scores for evaluation and tuning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from covenant_hub.matching.engine.features import BUILDERS
from covenant_hub.matching.engine.features.city import reciprocal_text
from covenant_hub.matching.engine.features.common import Request, prepare, profile_of
from covenant_hub.matching.engine.reasons import reasons_for, typical_values
from covenant_hub.matching.engine.records import LINK_KINDS

if TYPE_CHECKING:
    from covenant_hub.matching.engine.model import MatchModel

RECOMMENDABLE = ("signatory", "candidate", "supporter", "coordinator")


class UnknownOrganisation(LookupError):
    """The requester is not in the model (not in the database, or added after the build)."""


@dataclass
class Match:
    """One recommended organisation with the reasons that earned it."""

    org_id: int
    external_id: str
    name: str
    kind: str
    score: float
    reasons: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.external_id,
            "name": self.name,
            "kind": self.kind,
            "score": round(self.score, 4),
            "reasons": self.reasons,
        }


@dataclass
class Scored:
    """Every candidate's score for one request, before diversification."""

    request: Request
    profile: str
    features: dict[str, np.ndarray]
    scores: np.ndarray


def combine(features: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """The weighted sum; features missing from the weights count zero."""
    total = np.zeros(len(next(iter(features.values()))))
    for name, weight in weights.items():
        if weight and name in features:
            total += weight * features[name]
    return total


def candidate_rows(model: MatchModel, row: int, kind: str) -> np.ndarray:
    """Organisations of `kind`, minus the requester and those it is already linked to."""
    graph = model.graph
    rows = graph.kind_rows(kind)
    linked = np.concatenate([graph.neighbours(row, k) for k in LINK_KINDS] + [np.array([row])])
    return rows[~np.isin(rows, linked)]


def score_all(model: MatchModel, org_id: int, kind: str) -> Scored:
    """Score every candidate of `kind` for the organisation `org_id`."""
    if kind not in RECOMMENDABLE:
        raise ValueError(f"unknown kind {kind!r}")
    row = model.graph.pos.get(org_id)
    if row is None:
        raise UnknownOrganisation(org_id)
    profile = profile_of(model.orgs[org_id].kind, kind)
    request = prepare(model, row, kind, candidate_rows(model, row, kind))
    if not len(request.candidates):
        return Scored(request, profile, {}, np.zeros(0))
    features = BUILDERS[profile](model, request)
    weights = model.weights_for(profile, kind)
    scores = combine(features, weights)
    if profile == "city":
        back = combine({**features, "text": reciprocal_text(model, request)}, weights)
        scores = np.sqrt(np.clip(scores, 0, None) * np.clip(back, 0, None))
    return Scored(request, profile, features, scores)


def ranked_order(model: MatchModel, scored: Scored, top: int) -> np.ndarray:
    """Positions into `scored.request.candidates`, best first, the first `top` diversified."""
    order = np.lexsort((scored.request.candidates, -scored.scores))
    settings = model.weights["diversity"]
    window = order[: max(top * settings["window_factor"], top)]
    head = diversify(
        scored.scores[window], model.graph.country[scored.request.candidates[window]], top, settings["lambda"]
    )
    chosen = window[head]
    rest = order[~np.isin(order, chosen)]
    return np.concatenate([chosen, rest])


def diversify(scores: np.ndarray, groups: np.ndarray, top: int, lam: float) -> np.ndarray:
    """MMR: each pick trades its score against how many picks already share its country.

    Indices into `scores`. The first pick is always the best score, so Hits@1 is unchanged.
    """
    if not len(scores):
        return np.zeros(0, dtype=int)
    top_score = scores.max()
    relevance = scores / top_score if top_score > 0 else np.ones_like(scores)
    picked: list[int] = []
    _, group_of = np.unique(groups, return_inverse=True)
    taken = np.zeros(group_of.max() + 1)  # picks so far per group
    available = np.ones(len(scores), dtype=bool)
    for _ in range(min(top, len(scores))):
        share = taken[group_of] / len(picked) if picked else 0.0
        value = np.where(available, lam * relevance - (1 - lam) * share, -np.inf)
        best = int(np.argmax(value))
        picked.append(best)
        available[best] = False
        taken[group_of[best]] += 1
    return np.array(picked, dtype=int)


def recommend(model: MatchModel, org_id: int, kind: str, top: int = 10) -> list[Match]:
    """The `top` organisations of `kind` for `org_id`, each with its reasons."""
    scored = score_all(model, org_id, kind)
    typical = typical_values(scored)
    results = []
    for position in ranked_order(model, scored, top)[:top]:
        match = match_at(model, scored, int(position))
        match.reasons = reasons_for(model, scored, int(position), typical)
        results.append(match)
    return results


def match_at(model: MatchModel, scored: Scored, position: int) -> Match:
    """The candidate at `position` of a scored request, without its reasons yet."""
    org = model.orgs[model.graph.ids[int(scored.request.candidates[position])]]
    return Match(org.id, org.external_id, org.name, org.kind, float(scored.scores[position]))
