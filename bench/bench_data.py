"""The benchmark data set: the GCoM signatories topped up to 12,000 organisations, 10,000
practices, 100,000 posts (thread 1 has 200), an org admin with a filed match request, and the
search index, in a SQLite database cached under a temp dir (built once, reused by later runs).

Run: .venv/bin/python bench/bench_data.py [--orgs 12000] [--practices 10000] [--posts 100000]
Prints the folder, the ids of the pages to time, and last one JSON line. Used by
bench/http_bench.py and bench/backup_bench.py through `ensure(...)`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import content_bench  # noqa: E402  (the bulk fillers of the practices and the forum)

from covenant_hub import create_app  # noqa: E402
from covenant_hub.extensions import db  # noqa: E402

SECRET = "bench-secret-key"  # noqa: S105 - a throwaway database's key
DONE = "ready.json"


def config(folder: Path) -> dict[str, Any]:
    """The settings the generator, gunicorn (as COVENANT_* variables) and the benches share."""
    return {
        "SECRET_KEY": SECRET,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "INDEX_DIR": str(folder / "index"),
        "MAIL_OUTBOX": str(folder / "outbox"),
        "ATTACHMENTS_DIR": str(folder / "attachments"),
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": f"covenantsqlite:///{folder / 'rl.db'}",
        "DEMO_DATA": False,
        "SEARCH_EMBEDDER": "off",
        "FORUM_POSTS_PER_PAGE": content_bench.THREAD_POSTS,
    }


def folder_for(orgs: int, practices: int, posts: int) -> Path:
    return Path(tempfile.gettempdir()) / f"covenant-bench-{orgs}o-{practices}p-{posts}posts"


def _orgs(target: int, now: datetime) -> int:
    """The GCoM workbook, then synthetic towns up to `target` organisations."""
    from covenant_hub.demo import GCOM_FILE
    from covenant_hub.orgs.gcom_import import import_gcom
    from covenant_hub.orgs.models import Organisation

    import_gcom(GCOM_FILE)
    have = db.session.scalar(select(func.count()).select_from(Organisation)) or 0
    rows = [
        {"external_id": f"bench-org-{i}", "kind": "signatory", "name": f"Town {i}", "country": "kg",
         "population": 10_000 + i, "languages": ["ky"], "sectors": [], "commitments": [],
         "is_sample": False, "created_at": now, "updated_at": now}
        for i in range(max(0, target - have))
    ]  # fmt: skip
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Organisation.__table__), rows[start : start + 5000])
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Organisation)) or 0


def _practices_and_posts(practices: int, posts: int, now: datetime) -> None:
    """content_bench's fillers, with its 1,000 organisations swapped for the ones we have."""
    from covenant_hub.accounts.models import User
    from covenant_hub.library.models import Practice
    from covenant_hub.orgs.models import Organisation

    org_ids = list(db.session.scalars(select(Organisation.id)))
    content_bench._bulk(User.__table__, [
        {"email": f"u{i}@example.org", "name": f"Writer {i}", "password_hash": "x", "language": "en",
         "role": "member", "session_token": f"t{i}", "created_at": now - timedelta(days=90)}
        for i in range(1, 501)
    ])  # fmt: skip
    rng = content_bench.RNG
    content_bench._bulk(Practice.__table__, [
        {"external_id": f"p-{i}", "org_id": org_ids[i % len(org_ids)], "title": content_bench.sentence(6),
         "summary": content_bench.sentence(25), "body": content_bench.sentence(120),
         "language": rng.choice(["ky", "ru", "en"]), "sectors": [rng.choice(content_bench.SECTORS)],
         "tags": [],
         "co2_t_per_year": rng.uniform(10, 5000), "cost_eur": rng.uniform(1e4, 1e7), "state": "published",
         "published": (now - timedelta(days=i % 700)).date(), "is_sample": False,
         "created_at": now, "updated_at": now}
        for i in range(1, practices + 1)
    ])  # fmt: skip
    content_bench.fill_forum(practices, posts, now)
    db.session.commit()


def _match_request() -> dict[str, Any]:
    """An org admin of the first signatory and a filed request: the match-request page."""
    from covenant_hub.accounts.models import User
    from covenant_hub.matching import workflow
    from covenant_hub.orgs.models import Membership, Organisation

    org = db.session.scalars(select(Organisation).where(Organisation.kind == "signatory").limit(1)).one()
    user = User(email="admin@bench.example.org", name="Bench admin", password_hash="x",  # noqa: S106
                language="en", role="member", session_token="bench-admin",  # noqa: S106
                confirmed_at=datetime.now(UTC))  # fmt: skip
    db.session.add(user)
    db.session.add(Membership(user=user, organisation=org, role="org_admin"))
    db.session.commit()
    data = workflow.RequestInput("Street lighting retrofit and a solar school roof",
                                 ["supporter", "signatory"], ["public_lighting"], ["ky", "ru"])  # fmt: skip
    request = workflow.file_request(org, user, data)
    return {"user_id": user.id, "request_id": request.id}


def build(folder: Path, orgs: int, practices: int, posts: int) -> dict[str, Any]:
    from flask_migrate import upgrade

    from covenant_hub.search import indexer
    from covenant_hub.search.service import get_service

    folder.mkdir(parents=True, exist_ok=True)
    app = create_app(config(folder))
    timings: dict[str, float] = {}
    now = datetime.now(UTC)
    with app.app_context():
        for name, step in (
            ("migrate", upgrade),
            ("organisations", lambda: _orgs(orgs, now)),
            ("practices_posts", lambda: _practices_and_posts(practices, posts, now)),
            ("match_request", _match_request),
            ("index", lambda: indexer.rebuild(get_service(app).index, procs=1)),
        ):
            started = time.perf_counter()
            print(f"building: {name}...", file=sys.stderr, flush=True)
            timings[name] = step()  # type: ignore[assignment]
            timings[f"{name}_s"] = round(time.perf_counter() - started, 1)
        get_service(app).stop()
        db.engine.dispose()
    ids = {"practice_id": 5, "thread_id": 1, **timings["match_request"]}  # type: ignore[dict-item]
    build_s = {k: v for k, v in timings.items() if k.endswith("_s")}
    result = {"folder": str(folder), "orgs": timings["organisations"], "practices": practices, "posts": posts,
              "indexed": timings["index"], "ids": ids, "build_s": build_s}  # fmt: skip
    (folder / DONE).write_text(json.dumps(result))
    return result


def ensure(orgs: int = 12_000, practices: int = 10_000, posts: int = 100_000) -> dict[str, Any]:
    """The cached data set, built first when it is missing or half-built."""
    folder = folder_for(orgs, practices, posts)
    ready = folder / DONE
    if ready.exists():
        return json.loads(ready.read_text())
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return build(folder, orgs, practices, posts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=12_000)
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    result = ensure(args.orgs, args.practices, args.posts)
    print(f"data set in {result['folder']}: {result['orgs']} organisations, {result['practices']} practices, "
          f"{result['posts']} posts, {result['indexed']} documents indexed")  # fmt: skip
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
