"""Follow delay between two nodes: how long after node A confirmed a reply node B's index finds
it (and the other way round), under concurrent posters.

Run: .venv/bin/python bench/follow_delay.py [--posters 8] [--replies 25] [--workers 2]

Starts what tests/cluster starts: a throwaway PostgreSQL cluster and two gunicorn nodes sharing
its database and secret, each with its own index. Poster n logs in on node n % 2 and replies
``--replies`` times; after each confirmed reply it polls the OTHER node's search API until the
reply's unique word is found there by the index (answers from the database fallback do not
count), giving up after GIVE_UP_S. Prints the figures, the last line as JSON: follow delay
p50/p95/max in milliseconds, how many took over 5 s or were never found, and the run's seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.livesite import ms, percentile, unique_word  # noqa: E402
from tests.cluster.harness import found_in_index, login, reply, start_nodes, wait_for  # noqa: E402
from tests.postgres.cluster import start_cluster  # noqa: E402

GIVE_UP_S = 60.0


def run(base: Path, posters: int, replies: int, workers: int) -> dict:
    cluster = start_cluster(lambda: base / "postgres")
    try:
        url = cluster.url(cluster.create_database())
        nodes = start_nodes(base / "nodes", url, posters=posters, workers=workers)
        delays: list[float] = []
        lost: list[str] = []
        errors: list[str] = []

        def poster(n: int) -> None:
            rng = random.Random(n)
            writer, reader = nodes.nodes[n % 2], nodes.nodes[(n + 1) % 2]
            try:
                client = login(writer, nodes.posters[n].email)
                for _ in range(replies):
                    word = unique_word(rng)
                    if reply(client, nodes.posters[n].thread_id, f"Reply {word}") is None:
                        errors.append(f"{writer.name}: refused")
                        continue
                    delay = wait_for(lambda w=word: found_in_index(reader, w), GIVE_UP_S)
                    (lost.append(word) if delay is None else delays.append(delay))
            except Exception as error:  # noqa: BLE001 - reported in the result line
                errors.append(repr(error))

        threads = [threading.Thread(target=poster, args=(n,)) for n in range(posters)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        nodes.stop()
    finally:
        cluster.stop()
    return {
        "posters": posters, "replies": replies, "workers_per_node": workers, "samples": len(delays),
        "follow_p50_ms": ms(percentile(delays, 50)), "follow_p95_ms": ms(percentile(delays, 95)),
        "follow_max_ms": ms(max(delays) if delays else None),
        "over_5s": sum(1 for d in delays if d > 5.0), "never_found": len(lost),
        "errors": errors[:5], "seconds": round(elapsed, 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posters", type=int, default=8)
    parser.add_argument("--replies", type=int, default=25, help="replies per poster")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(Path(tmp), args.posters, args.replies, args.workers)
    print(f"follow delay p50 {figures['follow_p50_ms']} ms, p95 {figures['follow_p95_ms']} ms "
          f"over {figures['samples']} replies")  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
