"""Time the match engine at GCoM scale: one full rebuild and single recommendations.

    .venv/bin/python bench/match_bench.py                  # synthetic: 12,000 cities, 350 networks
    .venv/bin/python bench/match_bench.py --gcom covenant_hub/data/gcom/df1_Signatories_2024.xlsx

The last line printed is one JSON object: orgs, recommend_p50_ms, recommend_p95_ms, rebuild_s
(plus batch_1000_s: 1,000 recommendations in a row, as `match recommend --batch` runs them).
Timings only: the real workbook is never used here to choose weights.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from covenant_hub.matching.engine.model import MatchModel, load_weights  # noqa: E402
from covenant_hub.matching.engine.ranker import recommend  # noqa: E402
from covenant_hub.matching.engine.records import (  # noqa: E402
    LinkRecord,
    OrgRecord,
    PracticeRecord,
    Snapshot,
    snapshot_from_gcom,
)

WORDS = (
    "lighting street led retrofit school insulation heating district solar panels roof biomass "
    "transport bus cycling lanes waste sorting compost water pumps audit procurement awareness "
    "tariff grid storage wind hydro forest flood heatwave adaptation poverty"
).split()
KINDS = ("supporter", "signatory", "coordinator", "candidate")


def synthetic(cities: int, supporters: int, coordinators: int, seed: int) -> Snapshot:
    """Cities in country clusters; networks near cluster centres; 10% with profile text."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform([36, -9], [60, 40], size=(40, 2))
    orgs: list[OrgRecord] = []
    links: list[LinkRecord] = []
    for number in range(1, supporters + coordinators + 1):
        kind = "supporter" if number <= supporters else "coordinator"
        lat, lon = centres[number % 40] + rng.normal(0, 0.8, 2)
        orgs.append(
            OrgRecord(
                id=number,
                external_id=f"net-{number}",
                kind=kind,
                name=f"Network {number}",
                country=f"c{number % 40}",
                lat=lat,
                lon=lon,
                offers=_text(rng, 12),
            )
        )
    networks = np.array([[o.lat, o.lon] for o in orgs])
    for number in range(len(orgs) + 1, len(orgs) + cities + 1):
        cluster = int(rng.integers(40))
        lat, lon = centres[cluster] + rng.normal(0, 1.2, 2)
        text = rng.random() < 0.1
        orgs.append(
            OrgRecord(
                id=number,
                external_id=f"city-{number}",
                kind="signatory" if rng.random() < 0.95 else "candidate",
                name=f"City {number}",
                country=f"c{cluster}",
                population=int(rng.lognormal(9, 1.5)),
                lat=lat,
                lon=lon,
                commitments=tuple(c for c in ("2020", "2030", "adaptation") if rng.random() < 0.5),
                joined=date(2008, 1, 1) + timedelta(days=int(rng.integers(5500))),
                needs=_text(rng, 8) if text else "",
                offers=_text(rng, 8) if text else "",
            )
        )
        links.extend(_city_links(rng, number, lat, lon, networks, supporters))
    practices = [
        PracticeRecord(
            id=i, org_id=int(rng.integers(1, len(orgs) + 1)), title=_text(rng, 5), summary=_text(rng, 30)
        )
        for i in range(1, 2001)
    ]
    return Snapshot(orgs=orgs, links=links, practices=practices)


def _text(rng: np.random.Generator, words: int) -> str:
    return " ".join(rng.choice(WORDS, size=words))


def _city_links(
    rng: np.random.Generator, number: int, lat: float, lon: float, networks: np.ndarray, supporters: int
) -> list[LinkRecord]:
    """A coordinator (60%) and a supporter (20%) among the nearest few of each kind."""
    order = np.argsort((networks[:, 0] - lat) ** 2 + (networks[:, 1] - lon) ** 2)
    out = []
    for kind, chance, pool in (
        ("coordinated_by", 0.6, order[order >= supporters]),
        ("supported_by", 0.2, order[order < supporters]),
    ):
        if rng.random() < chance:
            out.append(LinkRecord(number, int(pool[min(int(rng.geometric(0.6)) - 1, 4)]) + 1, kind))
    return out


def measure(snapshot: Snapshot, samples: int, seed: int) -> dict[str, float]:
    started = time.perf_counter()
    model = MatchModel.build(snapshot, load_weights())
    rebuild = time.perf_counter() - started
    rng = np.random.default_rng(seed)
    cities = [o.id for o in snapshot.orgs if o.kind in ("signatory", "candidate")]
    networks = [o.id for o in snapshot.orgs if o.kind in ("supporter", "coordinator")]
    timings = []
    for i in range(samples):
        asker = int(rng.choice(networks if i % 5 == 4 else cities))
        started = time.perf_counter()
        recommend(model, asker, KINDS[i % len(KINDS)], top=10)
        timings.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    for org_id in rng.choice(cities, size=1000):
        recommend(model, int(org_id), "supporter", top=10)
    batch = time.perf_counter() - started
    timings.sort()
    return {
        "orgs": len(snapshot.orgs),
        "recommend_p50_ms": round(statistics.median(timings), 2),
        "recommend_p95_ms": round(timings[int(0.95 * len(timings)) - 1], 2),
        "rebuild_s": round(rebuild, 3),
        "batch_1000_s": round(batch, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gcom", type=Path, help="Read this GCoM workbook instead of synthetic data.")
    parser.add_argument("--cities", type=int, default=12_000)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.gcom:
        from covenant_hub.orgs.gcom import read_gcom

        snapshot = snapshot_from_gcom(read_gcom(args.gcom))
    else:
        snapshot = synthetic(args.cities, 162, 191, args.seed)
    orgs, links, done = len(snapshot.orgs), len(snapshot.links), len(snapshot.practices)
    print(f"{orgs} organisations, {links} links, {done} practices", file=sys.stderr)
    print(json.dumps(measure(snapshot, args.samples, args.seed)))


if __name__ == "__main__":
    main()
