"""Load battery: concurrent posters reply through real logins and CSRF against gunicorn; every
confirmed reply must be in the database once and be found by search, with no 5xx; how many were
not found within 5 s is reported.

Run: .venv/bin/python bench/reliability_load.py [--clients 8] [--replies 250] [--workers 3]

Each client is a thread with its own cookie jar: it logs in through the login form, then
``--replies`` times scrapes the CSRF token from its thread's page, replies with a unique word and
polls the search API until the word is found (giving up after GIVE_UP_S: *not_found*). A reply
is *confirmed* when the server answered 302 to the post's anchor; a connection that dies before an answer is
*unconfirmed* (the write may or may not have happened, and nobody retries it). Afterwards the
database is read directly: *lost* = confirmed words not in any post, *duplicates* = words in more
than one post. Prints one JSON line: kept, lost, duplicates, unconfirmed, 5xx, never found, not found
within 5 s, POST p50/p95 and the search delay p50/p95 in milliseconds.

`bench/reliability_kill.py` runs the same posters while it kills workers and the whole server.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.livesite import (  # noqa: E402
    Client,
    Poster,
    Server,
    bodies_in_database,
    ms,
    outbox_backlog,
    percentile,
    search_check,
    seed_forum,
    site_config,
    unique_word,
)

FIND_S = 5.0  # the figure reported: replies not found within this
GIVE_UP_S = 60.0  # a reply not found by then counts as never found (a hang guard, not a speed)
POLL_S = 0.02
RETRY_S = 90.0  # how long a client keeps retrying a GET while the server is down
DROPPED = (OSError, http.client.HTTPException)  # a connection that died before an answer


@dataclass
class Tally:
    """What all clients saw; lists are appended from several threads (append is atomic)."""

    confirmed: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    post_s: list[float] = field(default_factory=list)
    found_s: list[float] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def sent(self) -> int:
        """Replies sent so far, answered or not."""
        return len(self.confirmed) + len(self.unconfirmed) + len(self.refused)

    def answer(self, label: str, status: int) -> None:
        if status >= 500:
            self.server_errors.append(f"{label}: {status}")


def _retrying(tally: Tally, label: str, call: Callable[[], Any]) -> Any:
    """Repeat an idempotent call while connections drop (a worker or the server was killed)."""
    deadline = time.monotonic() + RETRY_S
    while True:
        try:
            return call()
        except DROPPED:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _reply(client: Client, poster: Poster, word: str, tally: Tally) -> bool:
    """One reply; True when confirmed."""
    path = f"/forum/t/{poster.thread_id}"
    token = _retrying(tally, "token", lambda: client.token(path))
    start = time.monotonic()
    try:
        answer = client.post(path + "/reply", {"csrf_token": token, "body": f"Reply {word}"})
    except DROPPED:
        tally.unconfirmed.append(word)
        return False
    tally.answer("reply", answer.status)
    if answer.status == 302 and "#post-" in answer.location:
        tally.post_s.append(time.monotonic() - start)
        tally.confirmed.append(word)
        return True
    tally.refused.append(f"{word}: {answer.status}")
    return False


def _wait_found(client: Client, word: str, tally: Tally) -> None:
    start = time.monotonic()
    while time.monotonic() - start < GIVE_UP_S:
        total, _degraded = _retrying(tally, "search", lambda: client.search_total(word))
        if total > 0:
            tally.found_s.append(time.monotonic() - start)
            return
        time.sleep(POLL_S)
    tally.not_found.append(word)


def run_client(base: str, poster: Poster, replies: int, seed: int, tally: Tally, find: bool) -> None:
    rng = random.Random(seed)
    client = Client(base)
    try:
        _retrying(tally, "login", lambda: client.login(poster.email))
        for _ in range(replies):
            word = unique_word(rng)
            if _reply(client, poster, word, tally) and find:
                _wait_found(client, word, tally)
    except Exception as error:  # noqa: BLE001 - reported in the result line
        tally.errors.append(f"{poster.email}: {error!r}")


def run_posters(server: Server, posters: list[Poster], replies: int, find: bool,
                tally: Tally | None = None) -> tuple[Tally, float]:  # fmt: skip
    """All posters at once; (what they saw, seconds taken)."""
    tally = tally if tally is not None else Tally()
    threads = [threading.Thread(target=run_client, args=(server.url, p, replies, n, tally, find))
               for n, p in enumerate(posters)]  # fmt: skip
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


def wait_caught_up(config: dict[str, Any], timeout: float = 120.0) -> bool:
    """Until the running server's drainers have emptied the outbox."""
    deadline = time.monotonic() + timeout
    while outbox_backlog(config):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def audit(config: dict[str, Any], tally: Tally) -> dict[str, Any]:
    """Confirmed replies against the database: kept, lost, duplicates."""
    counts = collections.Counter(
        body.removeprefix("Reply ") for body in bodies_in_database(config) if body.startswith("Reply ")
    )
    confirmed = set(tally.confirmed)
    return {
        "confirmed": len(tally.confirmed),
        "kept": sum(1 for word in confirmed if counts[word]),
        "lost": sum(1 for word in confirmed if not counts[word]),
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "unconfirmed": len(tally.unconfirmed),
        "unconfirmed_saved": sum(1 for word in tally.unconfirmed if counts[word]),
        "refused": len(tally.refused),
        "5xx": len(tally.server_errors),
        "client_errors": len(tally.errors),
    }


def timings(tally: Tally, elapsed: float) -> dict[str, Any]:
    return {
        "post_p50_ms": ms(percentile(tally.post_s, 50)), "post_p95_ms": ms(percentile(tally.post_s, 95)),
        "seconds": round(elapsed, 1),
    }  # fmt: skip


def run(base_dir: Path, clients: int, replies: int, workers: int = 3) -> dict[str, Any]:
    """The load battery in ``base_dir``; the figures of the JSON line."""
    config = site_config(base_dir)
    posters = seed_forum(config, clients)
    with Server(config, workers=workers) as server:
        tally, elapsed = run_posters(server, posters, replies, find=True)
        caught_up = wait_caught_up(config)
        check = search_check(config)
    return {
        "clients": clients, "replies": replies, "workers": workers, **audit(config, tally),
        "not_found": len(tally.not_found),
        "not_found_5s": len(tally.not_found) + sum(1 for s in tally.found_s if s > FIND_S),
        "caught_up": caught_up,
        "check_missing": check["missing"], "check_extra": check["extra"], **timings(tally, elapsed),
        "find_p50_ms": ms(percentile(tally.found_s, 50)), "find_p95_ms": ms(percentile(tally.found_s, 95)),
        "errors": (tally.errors + tally.server_errors + tally.refused)[:5],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--replies", type=int, default=250, help="replies per client")
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(run(Path(tmp), args.clients, args.replies, args.workers)))


if __name__ == "__main__":
    main()
