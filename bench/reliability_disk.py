"""Disk battery: the index folder on a full disk, and the index corrupted three ways, under a
running gunicorn. Pages must render, posts save, search degrade with a notice, then repair itself.

Run: .venv/bin/python bench/reliability_disk.py [--scenario NAME ...] [--workers 3] [--probes 6]

Scenarios: ``full_disk`` (the index folder is a 2 MB tmpfs, filled to the last byte while the
site runs, then freed; needs root), ``truncated_segment`` (the largest segment file cut to half),
``random_bytes`` (random bytes written over the middle of the largest segment file) and
``deleted_toc`` (the index's table of contents removed). In each, a member logs in and replies
twice (both found by search), the damage is done, then ``--probes`` rounds of: reply (must be
confirmed), the thread page and the search page (must render), and a search for the replies
made before the damage (must find them, or say it is degraded: never a silent miss). Then, for
the full disk, the space comes back; the site must repair the index by itself: every reply found,
not degraded, within REPAIR_S, and `flask search check --no-repair` clean. The scenarios run one
after the other on one site. Prints one JSON line per scenario.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.livesite import Client, Server, search_check, seed_forum, site_config, unique_word  # noqa: E402

SCENARIOS = ("full_disk", "truncated_segment", "random_bytes", "deleted_toc")
NOTICE = "search-degraded"
REPAIR_S = 60.0  # a hang guard: repairs take a second or two
STALE_S = 5.0  # the app's default SEARCH_STALE_S
TMPFS_SIZE = "2m"
DROPPED = (OSError, http.client.HTTPException)


def tmpfs_unavailable() -> str | None:
    """Why a tmpfs cannot be mounted here, or None."""
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    with tempfile.TemporaryDirectory() as probe:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe],
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode != 0:
            return f"mount -t tmpfs failed: {done.stderr.strip()}"
        subprocess.run(["umount", probe], check=True)
    return None


def largest_segment(index_dir: Path) -> Path:
    return max(index_dir.glob("*.seg"), key=lambda p: p.stat().st_size)


def fill(folder: Path) -> Path:
    """Write one file until the file system has no byte left; the file, to free it later."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as out:
        for size in (65536, 4096, 512, 1):  # down to the last byte
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                pass
    return filler


def damage(name: str, index_dir: Path, rng: random.Random) -> Path | None:
    """Do the scenario's damage; for the full disk, the file to delete to free the space."""
    if name == "full_disk":
        return fill(index_dir)
    if name == "truncated_segment":
        segment = largest_segment(index_dir)
        os.truncate(segment, segment.stat().st_size // 2)
    elif name == "random_bytes":
        segment = largest_segment(index_dir)
        size = segment.stat().st_size
        with segment.open("r+b") as out:
            out.seek(size // 4)
            out.write(rng.randbytes(size // 2))
    elif name == "deleted_toc":
        for toc in index_dir.glob("_MAIN_*.toc"):
            toc.unlink()
    return None


@dataclass
class Probe:
    """What the member saw while the index was damaged."""

    words: list[str] = field(default_factory=list)
    replies_refused: int = 0
    pages_failed: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    dropped: int = 0
    degraded_seen: int = 0
    silent_misses: int = 0

    def page(self, client: Client, path: str) -> str:
        try:
            answer = client.get(path)
        except DROPPED:
            self.dropped += 1
            self.pages_failed.append(f"{path}: dropped")
            return ""
        if answer.status >= 500:
            self.server_errors.append(f"{path}: {answer.status}")
        if answer.status != 200:
            self.pages_failed.append(f"{path}: {answer.status}")
        return answer.body


def reply(client: Client, thread_id: int, word: str) -> bool:
    token = client.token(f"/forum/t/{thread_id}")
    answer = client.post(f"/forum/t/{thread_id}/reply", {"csrf_token": token, "body": f"Reply {word}"})
    return answer.status == 302 and "#post-" in answer.location


def found(client: Client, word: str) -> tuple[bool, bool]:
    """(found, degraded) from the search API."""
    total, degraded = client.search_total(word)
    return total > 0, degraded


def wait_all_found(client: Client, words: list[str], timeout: float) -> float | None:
    """Seconds until every word is found by a non-degraded search, or None."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if all(found(client, word) == (True, False) for word in words):
                return time.monotonic() - start
        except DROPPED:
            pass
        time.sleep(0.2)
    return None


def probe_round(client: Client, thread_id: int, before: list[str], rng: random.Random, seen: Probe) -> None:
    word = unique_word(rng)
    try:
        if reply(client, thread_id, word):
            seen.words.append(word)
        else:
            seen.replies_refused += 1
    except DROPPED:
        seen.dropped += 1
    seen.page(client, f"/forum/t/{thread_id}")
    html = seen.page(client, "/search?" + urllib.parse.urlencode({"q": before[0]}))
    if NOTICE in html:
        seen.degraded_seen += 1
    for word in before:
        try:
            hit, degraded = found(client, word)
        except (DROPPED, RuntimeError) as error:
            seen.server_errors.append(f"search api: {error!r}")
            continue
        seen.degraded_seen += degraded
        seen.silent_misses += not hit and not degraded


def exercise(server: Server, thread_id: int, email: str, name: str, probes: int) -> dict[str, Any]:
    """Before, during and after the damage; the figures. After the probes it waits past the
    site's SEARCH_STALE_S: a reply not indexed by then makes search say it is degraded, so a
    search that neither finds it nor says so is a silent miss on any machine, fast or slow."""
    rng = random.Random(name)
    index_dir = Path(server.config["INDEX_DIR"])
    client = Client(server.url)
    client.login(email)
    before = [unique_word(rng) for _ in range(2)]
    if not all(reply(client, thread_id, word) for word in before):
        raise RuntimeError("a reply before the damage was refused")
    if wait_all_found(client, before, REPAIR_S) is None:
        raise RuntimeError("the replies before the damage were not found")
    filler = damage(name, index_dir, rng)
    seen = Probe()
    for _ in range(probes):
        probe_round(client, thread_id, before, rng, seen)
    time.sleep(float(server.config.get("SEARCH_STALE_S", STALE_S)) + 0.5)
    for word in seen.words:  # the replies made during the damage: found, or the answer says degraded
        hit, degraded = found(client, word)
        seen.degraded_seen += degraded
        seen.silent_misses += not hit and not degraded
    if filler is not None:
        filler.unlink()
    repair_s = wait_all_found(client, before + seen.words, REPAIR_S)
    return {
        "scenario": name, "replies_saved": len(seen.words), "replies_refused": seen.replies_refused,
        "pages_failed": len(seen.pages_failed), "5xx": len(seen.server_errors), "dropped": seen.dropped,
        "degraded_seen": seen.degraded_seen, "silent_misses": seen.silent_misses,
        "repaired": repair_s is not None, "repair_s": None if repair_s is None else round(repair_s, 1),
        "errors": (seen.server_errors + seen.pages_failed)[:5],
    }  # fmt: skip


def run(base_dir: Path, names: tuple[str, ...] = SCENARIOS, workers: int = 3, probes: int = 6,
        stale_s: float = STALE_S) -> list[dict[str, Any]]:  # fmt: skip
    """The scenarios one after the other on one site in ``base_dir`` (each repairs before the
    next); the index folder is a tmpfs when one can be mounted. One figures dict per scenario.
    ``stale_s``: the site's SEARCH_STALE_S (how long a queued change may wait unindexed before
    search says it is degraded)."""
    config = {**site_config(base_dir), "SEARCH_STALE_S": stale_s}
    index_dir = Path(config["INDEX_DIR"])
    reason = tmpfs_unavailable()
    if reason is None:
        index_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(index_dir)], check=True
        )
    out = []
    try:
        poster = seed_forum(config, 1)[0]
        with Server(config, workers=workers) as server:
            for name in names:
                if name == "full_disk" and reason is not None:
                    out.append({"scenario": name, "skipped": reason})
                    continue
                figures = exercise(server, poster.thread_id, poster.email, name, probes)
                check = search_check(config)
                out.append({**figures, "check_missing": check["missing"], "check_extra": check["extra"]})
    finally:
        if reason is None:
            subprocess.run(["umount", "-l", str(index_dir)], check=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", choices=SCENARIOS)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--probes", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for figures in run(Path(tmp), tuple(args.scenario or SCENARIOS), args.workers, args.probes):
            print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
