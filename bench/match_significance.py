"""Is the engine's lead over a baseline real? A paired bootstrap over the hidden queries.

    COVENANT_DATABASE_URL=sqlite:////tmp/gcom2019.db .venv/bin/python bench/match_significance.py \\
        [--since 2016-01-01] [--until 2019-01-01] [--weights FILE] [--baseline nearest_neighbours]

Run it on a database filled with `import-gcom --before 2019-01-01` (the held-out years must not
be in it). For each kind it ranks the same hidden queries as `flask match evaluate`, then
resamples the queries with replacement and prints, as one JSON line per kind, the engine's
lead in MRR and Hits@1 with a 95% interval, and how many queries only one of the two gets first.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from covenant_hub import create_app  # noqa: E402
from covenant_hub.extensions import db  # noqa: E402
from covenant_hub.matching.engine.baselines import BASELINES  # noqa: E402
from covenant_hub.matching.engine.evaluation import rank_hidden  # noqa: E402
from covenant_hub.matching.engine.model import load_weights  # noqa: E402
from covenant_hub.matching.snapshot import load_snapshot  # noqa: E402


def best_ranks(ranks: list[list[int]]) -> np.ndarray:
    return np.array([min(r, default=math.inf) for r in ranks], dtype=float)


def compare(engine: np.ndarray, baseline: np.ndarray, resamples: int, seed: int) -> dict[str, object]:
    """The engine's mean lead and a percentile interval from resampling queries in pairs."""
    reciprocal = lambda ranks: np.where(np.isfinite(ranks), 1.0 / ranks, 0.0)  # noqa: E731
    mrr = reciprocal(engine) - reciprocal(baseline)
    hits = (engine == 1).astype(float) - (baseline == 1)
    picks = np.random.default_rng(seed).integers(0, len(engine), (resamples, len(engine)))

    def interval(values: np.ndarray) -> list[float]:
        return [round(float(v), 4) for v in np.percentile(values[picks].mean(axis=1), [2.5, 97.5])]

    return {
        "queries": len(engine),
        "mrr_lead": round(float(mrr.mean()), 4),
        "mrr_lead_95": interval(mrr),
        "hits_at_1_lead": round(float(hits.mean()), 4),
        "hits_at_1_lead_95": interval(hits),
        "only_engine_first": int(((engine == 1) & (baseline != 1)).sum()),
        "only_baseline_first": int(((baseline == 1) & (engine != 1)).sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", type=date.fromisoformat, default=date(2016, 1, 1))
    parser.add_argument("--until", type=date.fromisoformat, default=date(2019, 1, 1))
    parser.add_argument("--weights", type=Path, help="Weights to score (default: the shipped ones).")
    parser.add_argument("--baseline", choices=sorted(BASELINES), default="nearest_neighbours")
    parser.add_argument("--resamples", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        snapshot = load_snapshot(db.session)
        db.session.rollback()
    weights = load_weights(args.weights)
    for kind in ("supporter", "coordinator"):
        tallies, _queries, _catalogue = rank_hidden(snapshot, args.since, args.until, kind, weights)
        lead = compare(
            best_ranks(tallies["engine"].ranks),
            best_ranks(tallies[args.baseline].ranks),
            args.resamples,
            args.seed,
        )
        print(json.dumps({"kind": kind, "baseline": args.baseline, **lead}))


if __name__ == "__main__":
    main()
