"""Server time and SQL query counts of the content pages at scale: 10,000 practices, 100,000 posts.

Run: .venv/bin/python bench/content_bench.py [--practices 10000] [--posts 100000] [--repeat 40]
Builds a temporary SQLite database through the real migrations, fills it with bulk inserts
(executemany of plain rows, not ORM objects), then times the practice list, one practice page
(with its discussion threads) and a 200-post thread page through the Flask test client,
in-process, after one warm-up request each. Prints readable lines and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from covenant_hub import create_app  # noqa: E402
from covenant_hub.extensions import db  # noqa: E402

WORDS = (
    "energy street lighting school retrofit heat pump solar district heating boiler insulation "
    "bus cycle lane waste compost biogas water irrigation trees procurement tender savings "
    "жылуулук мектеп көчө жарыгы күн панели таштанды суу энергия үнөмдөө "
    "отопление школа освещение котельная утепление отходы энергосбережение"
).split()
SECTORS = ["public_lighting", "municipal_buildings", "transport", "waste", "local_heat_cold", "water"]
THREAD_POSTS = 200
RNG = random.Random(2024)


def sentence(count: int) -> str:
    return " ".join(RNG.choice(WORDS) for _ in range(count))


def build_app(folder: Path) -> Any:
    from flask_migrate import upgrade

    config = {
        "TESTING": False,
        "SECRET_KEY": "bench",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "INDEX_DIR": str(folder / "index"),
        "MAIL_OUTBOX": str(folder / "outbox"),
        "ATTACHMENTS_DIR": str(folder / "attachments"),
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": f"covenantsqlite:///{folder / 'rl.db'}",
        "DEMO_DATA": False,
        "FORUM_POSTS_PER_PAGE": THREAD_POSTS,  # the whole 200-post thread on one page
    }
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


def _bulk(table: Any, rows: list[dict[str, Any]], chunk: int = 5000) -> None:
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(table), rows[start : start + chunk])


def fill_library(practices: int, now: datetime) -> None:
    """Organisations, writers and published practices."""
    from covenant_hub.accounts.models import User
    from covenant_hub.library.models import Practice
    from covenant_hub.orgs.models import Organisation

    _bulk(
        Organisation.__table__,
        [
            {
                "external_id": f"org-{i}",
                "kind": "signatory",
                "name": f"Town {i}",
                "country": "kg",
                "population": 10_000 + i,
                "languages": ["ky"],
                "sectors": [],
                "commitments": [],
                "is_sample": False,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(1, 1001)
        ],
    )
    _bulk(
        User.__table__,
        [
            {
                "email": f"u{i}@example.org",
                "name": f"Writer {i}",
                "password_hash": "x",
                "language": "en",
                "role": "member",
                "session_token": f"t{i}",
                "created_at": now - timedelta(days=90),
            }
            for i in range(1, 501)
        ],
    )
    _bulk(
        Practice.__table__,
        [
            {
                "external_id": f"p-{i}",
                "org_id": 1 + i % 1000,
                "title": sentence(6),
                "summary": sentence(25),
                "body": sentence(120),
                "language": RNG.choice(["ky", "ru", "en"]),
                "sectors": [RNG.choice(SECTORS)],
                "tags": [],
                "co2_t_per_year": RNG.uniform(10, 5000),
                "cost_eur": RNG.uniform(1e4, 1e7),
                "state": "published",
                "published": date(2024, 1, 1) + timedelta(days=i % 700),
                "is_sample": False,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(1, practices + 1)
        ],
    )


def fill_forum(practices: int, posts: int, now: datetime) -> None:
    """Ten groups; thread 1 has 200 posts, the rest 50 each; every 4th thread is about a practice."""
    from covenant_hub.forum.models import Group, Post, Thread

    _bulk(
        Group.__table__,
        [
            {
                "external_id": f"g-{i}",
                "kind": "forum",
                "title": f"Group {i}",
                "description": "",
                "language": "en",
                "visibility": "public",
                "join_policy": "open",
                "is_sample": False,
                "created_at": now,
            }
            for i in range(1, 11)
        ],
    )
    rest, per_thread = posts - THREAD_POSTS, 50
    threads = 1 + rest // per_thread
    _bulk(
        Thread.__table__,
        [
            {
                "external_id": f"t-{i}",
                "group_id": 1 + i % 10,
                "title": sentence(7),
                "language": "en",
                "practice_id": (i % practices) + 1 if i % 4 == 0 else None,
                "author_id": 1 + i % 500,
                "is_pinned": False,
                "is_locked": False,
                "post_count": THREAD_POSTS if i == 1 else per_thread,
                "is_sample": False,
                "created_at": now,
                "last_post_at": now,
            }
            for i in range(1, threads + 1)
        ],
    )
    rows = [
        {
            "thread_id": 1,
            "author_id": 1 + n % 500,
            "body": sentence(60),
            "state": "visible",
            "created_at": now - timedelta(minutes=THREAD_POSTS - n),
        }
        for n in range(THREAD_POSTS)
    ]
    rows += [
        {
            "thread_id": 2 + n // per_thread,
            "author_id": 1 + n % 500,
            "body": sentence(40),
            "state": "visible",
            "created_at": now - timedelta(seconds=n),
        }
        for n in range(rest)
    ]
    _bulk(Post.__table__, rows)


def fill(app: Any, practices: int, posts: int) -> dict[str, int]:
    """Fill the database; returns the ids of the pages to time."""
    now = datetime.now(UTC)
    with app.app_context():
        fill_library(practices, now)
        fill_forum(practices, posts, now)
        db.session.commit()
    return {"practice_id": 5, "thread_id": 1}  # thread 4 is about practice 5


def measure(app: Any, url: str, repeat: int) -> dict[str, Any]:
    client = app.test_client()
    statements: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    response = client.get(url)  # warm-up: templates, Babel, related-practices model
    assert response.status_code == 200, (url, response.status_code)
    event.listen(engine, "before_cursor_execute", _count)
    response = client.get(url)
    event.remove(engine, "before_cursor_execute", _count)
    queries = len(statements)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    return {
        "url": url,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "queries": queries,
        "bytes": len(response.data),
        "posts_shown": response.data.count(b'<article class="post '),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        app = build_app(folder)
        ids = fill(app, args.practices, args.posts)
        build_seconds = time.perf_counter() - started
        pages = {
            "practice_list": measure(app, "/practices/", args.repeat),
            "practice_page": measure(app, f"/practices/{ids['practice_id']}", args.repeat),
            "thread_200_posts": measure(app, f"/forum/t/{ids['thread_id']}", args.repeat),
        }
    for name, figures in pages.items():
        print(
            f"{name:<18} p50 {figures['p50_ms']:>7} ms   p95 {figures['p95_ms']:>7} ms   "
            f"{figures['queries']:>3} queries   {figures['url']}"
        )
    print(
        json.dumps(
            {
                "practices": args.practices,
                "posts": args.posts,
                "repeat": args.repeat,
                "build_seconds": round(build_seconds, 1),
                "pages": pages,
                "python": sys.version.split()[0],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
