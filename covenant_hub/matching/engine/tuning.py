"""Fit the ranker's weights on a time split by coordinate ascent on MRR + Hits@1.

Features are computed once per query; each trial weight vector is then only a matrix product
and a rank count, so a few hundred trials take seconds. Ties rank by row, as the ranker does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from covenant_hub.matching.engine.evaluation import time_split
from covenant_hub.matching.engine.model import MatchModel
from covenant_hub.matching.engine.ranker import score_all
from covenant_hub.matching.engine.records import Snapshot

GRID = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 12.0)
ROUNDS = 3


@dataclass
class Query:
    matrix: np.ndarray  # candidates x features
    rows: np.ndarray  # candidate rows, for tie-breaking
    relevant: np.ndarray  # positions of the right answers


Progress = Callable[[Iterable[int]], Iterable[int]]


def collect(
    snapshot: Snapshot,
    since: date,
    until: date,
    kind: str,
    weights: dict[str, Any],
    progress: Progress | None = None,
) -> tuple[list[str], list[Query]]:
    """Feature matrices of every hidden query of the split."""
    split = time_split(snapshot, since, until, kind)
    model = MatchModel.build(split.snapshot, weights)
    queries: list[Query] = []
    names: list[str] = []
    ids = sorted(q for q in split.answers if q in model.graph.pos)
    for org_id in progress(ids) if progress else ids:
        scored = score_all(model, org_id, kind)
        names = sorted(scored.features)
        relevant = {model.graph.pos[t] for t in split.answers[org_id] if t in model.graph.pos}
        rows = scored.request.candidates
        matrix = np.column_stack([scored.features[n] for n in names])
        queries.append(Query(matrix, rows, np.flatnonzero(np.isin(rows, list(relevant)))))
    return names, queries


def objective(queries: list[Query], w: np.ndarray) -> tuple[float, float]:
    """(MRR, Hits@1) of a weight vector."""
    mrr = hits = 0.0
    for q in queries:
        if not len(q.relevant):
            continue
        scores = q.matrix @ w
        best = np.inf
        for r in q.relevant:
            ahead = np.sum(scores > scores[r]) + np.sum((scores == scores[r]) & (q.rows < q.rows[r]))
            best = min(best, ahead + 1)
        mrr += 1.0 / best
        hits += best == 1
    n = max(len(queries), 1)
    return mrr / n, hits / n


def joint(windows: list[list[Query]], w: np.ndarray) -> float:
    """MRR + Hits@1 averaged over the windows, so weights must hold across periods."""
    return float(np.mean([sum(objective(queries, w)) for queries in windows]))


def coordinate_ascent(
    names: list[str], windows: list[list[Query]], start: dict[str, float]
) -> tuple[dict[str, float], float]:
    """Try each grid value for each weight in turn; keep what raises the joint objective."""
    w = np.array([start.get(n, 0.0) for n in names])
    best = joint(windows, w)
    for _ in range(ROUNDS):
        improved = False
        for i in range(len(names)):
            for value in GRID:
                trial = w.copy()
                trial[i] = value
                gain = joint(windows, trial)
                if gain > best + 1e-9:
                    best, w, improved = gain, trial, True
        if not improved:
            break
    return {n: float(v) for n, v in zip(names, w, strict=True)}, best


def tune(
    snapshot: Snapshot,
    windows: list[tuple[date, date]],
    weights: dict[str, Any],
    kinds: tuple[str, ...] = ("supporter", "coordinator"),
    progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
) -> dict[str, Any]:
    """New weights for the network profiles, with a note of the windows they were fitted on."""
    tuned = copy.deepcopy(weights)
    notes: dict[str, Any] = {}
    for kind in kinds:
        start = weights["profiles"]["network"][kind]
        collected = [collect(snapshot, since, until, kind, weights, progress) for since, until in windows]
        names = collected[0][0]
        fitted, _ = coordinate_ascent(names, [queries for _, queries in collected], start)
        tuned["profiles"]["network"][kind] = fitted
        vector = np.array([fitted[n] for n in names])
        notes[kind] = [
            _fit_note(since, until, queries, vector)
            for (since, until), (_, queries) in zip(windows, collected, strict=True)
        ]
    tuned["tuned"] = {
        "windows": [[a.isoformat(), b.isoformat()] for a, b in windows],
        "objective": "mean over windows of MRR + Hits@1",
        "fit": notes,
    }
    return tuned


def _fit_note(since: date, until: date, queries: list[Query], vector: np.ndarray) -> dict[str, Any]:
    mrr, hits = objective(queries, vector)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "queries": len(queries),
        "mrr": round(float(mrr), 4),
        "hits_at_1": round(float(hits), 4),
    }
