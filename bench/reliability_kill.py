"""Kill battery: the load battery's posters while workers are SIGKILLed and the server dies once.

Run: .venv/bin/python bench/reliability_kill.py [--clients 8] [--replies 500] [--rounds 10] [--every 5]

While the posters reply (without waiting for search), a chaos thread SIGKILLs one random
gunicorn worker every ``--every`` seconds for ``--rounds`` rounds (the master forks a
replacement), then SIGKILLs the master and all workers at once and starts a new server on the
same port, database and index. Clients retry their GETs while connections drop; a reply whose
connection died before an answer is *unconfirmed* and never retried. After the posters finish
and the outbox is drained: 0 confirmed replies lost, 0 duplicates, every confirmed reply found
by the search API, and `flask search check --no-repair` finds nothing missing or extra.
Prints one JSON line with the kills done and the load battery's figures: check that
`worker_kills` and `server_restarts` say every round ran (on a fast machine 8 x 250 replies
were done after 8 kills, before the restart, hence 500 by default).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.livesite import Client, Server, search_check, seed_forum, site_config  # noqa: E402
from bench.reliability_load import Tally, audit, run_posters, timings, wait_caught_up  # noqa: E402


@dataclass
class Chaos:
    """The killing thread's plan and what it did.

    Kills come every ``every`` seconds, or, with ``every_replies``, each time the posters have
    sent that many more replies (the fast test uses this, so it never depends on the machine's
    speed)."""

    server: Server
    tally: Tally
    rounds: int
    every: float = 5.0
    every_replies: int | None = None
    restart: bool = True
    worker_kills: int = 0
    server_restarts: int = 0
    restart_s: float | None = None

    def __post_init__(self) -> None:
        self.done = threading.Event()  # set when the posters have finished
        self.error: str | None = None

    def wait_turn(self, turn: int) -> bool:
        """Wait for the next kill; False when the posters finished first."""
        if self.every_replies is None:
            return not self.done.wait(self.every)
        while self.tally.sent() < turn * self.every_replies:
            if self.done.wait(0.05):
                return False
        return True

    def run(self) -> None:
        rng = random.Random(11)
        try:
            for turn in range(1, self.rounds + 1):
                if not self.wait_turn(turn):
                    return
                if self.server.kill_worker(rng) is not None:
                    self.worker_kills += 1
            if self.restart and self.wait_turn(self.rounds + 1):
                self.server.kill_all()
                started = time.monotonic()
                self.server.start()
                self.restart_s = round(time.monotonic() - started, 1)
                self.server_restarts += 1
        except Exception as error:  # noqa: BLE001 - reported in the result line
            self.error = repr(error)


def unfound(server: Server, words: list[str]) -> int:
    """Confirmed words the search API does not find (after catch-up)."""
    client = Client(server.url)
    return sum(1 for word in words if client.search_total(word)[0] == 0)


def run(base_dir: Path, clients: int, replies: int, rounds: int, every: float = 5.0,
        every_replies: int | None = None, workers: int = 3) -> dict[str, Any]:  # fmt: skip
    """The kill battery in ``base_dir``; the figures of the JSON line."""
    config = site_config(base_dir)
    posters = seed_forum(config, clients)
    server = Server(config, workers=workers)
    server.start()
    try:
        tally = Tally()
        chaos = Chaos(server, tally, rounds, every, every_replies)
        killer = threading.Thread(target=chaos.run, name="chaos")
        killer.start()
        _, elapsed = run_posters(server, posters, replies, find=False, tally=tally)
        chaos.done.set()
        killer.join()
        if server.process is None:  # the posters finished while the server was down
            server.start()
        caught_up = wait_caught_up(config)
        not_found = unfound(server, tally.confirmed)
        check = search_check(config)
    finally:
        server.stop()
    return {
        "clients": clients, "replies": replies, "workers": workers, "worker_kills": chaos.worker_kills,
        "server_restarts": chaos.server_restarts, "restart_s": chaos.restart_s, **audit(config, tally),
        "caught_up": caught_up,
        "not_found": not_found, "check_missing": check["missing"], "check_extra": check["extra"],
        **timings(tally, elapsed), "errors": ([chaos.error] if chaos.error else []) + tally.errors[:5],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--replies", type=int, default=500, help="replies per client (outlasting every round)"
    )
    parser.add_argument("--rounds", type=int, default=10, help="worker kills")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between kills")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="run in this (new) folder and keep it: logs, database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=args.keep is None)
        figures = run(base, args.clients, args.replies, args.rounds, args.every, workers=args.workers)
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
