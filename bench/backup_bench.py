"""Backup and restore times for the GCoM database with 100,000 posts (bench/bench_data.py's set).

Run: .venv/bin/python bench/backup_bench.py [--posts 100000] [--skip-index]
Times `backup.create` (SQLite online backup + files + manifest), `backup.verify`, the restore
into a fresh, migrated, empty instance, then each rebuild `flask backup restore` runs after it
(the match model, and the search index unless --skip-index). Prints lines and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_data  # noqa: E402

from covenant_hub import create_app  # noqa: E402
from covenant_hub.extensions import db  # noqa: E402
from covenant_hub.ops import backup  # noqa: E402


def timed(label: str, step: Any, figures: dict[str, Any]) -> Any:
    started = time.perf_counter()
    result = step()
    figures[f"{label}_s"] = round(time.perf_counter() - started, 2)
    print(f"{label}: {figures[f'{label}_s']} s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=12_000)
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--skip-index", action="store_true", help="do not time the index rebuild")
    args = parser.parse_args()
    data = bench_data.ensure(args.orgs, args.practices, args.posts)
    source = create_app(bench_data.config(Path(data["folder"])))
    work = Path(tempfile.mkdtemp(prefix="covenant-backup-bench-"))
    figures: dict[str, Any] = {"bench": "backup", "posts": data["posts"], "orgs": data["orgs"]}
    try:
        with source.app_context():
            trees = backup.file_trees(source.config, source.instance_path)
            manifest = timed("create", lambda: backup.create(db.engine, work / "b", trees), figures)
            db.engine.dispose()
        figures["rows"] = sum(manifest.rows.values())
        figures["backup_mb"] = round(sum(e["size"] for e in manifest.files.values()) / 1e6, 1)
        timed("verify", lambda: backup.verify(work / "b"), figures)
        target = work / "target"
        target.mkdir()
        restored = create_app({**bench_data.config(target), "SEARCH_WORKER": "inline"})
        with restored.app_context():
            from flask_migrate import upgrade

            upgrade()
            db.session.remove()
            trees = backup.file_trees(restored.config, restored.instance_path)
            timed("restore", lambda: backup.restore(db.engine, work / "b", trees), figures)
            from covenant_hub.backup_cli import _rebuild_model
            from covenant_hub.matching import service
            from covenant_hub.matching.engine.model import load_weights

            timed("rebuild_match_model", lambda: _rebuild_model(service, load_weights), figures)
            if not args.skip_index:
                from covenant_hub.search import indexer
                from covenant_hub.search.service import get_service

                timed("rebuild_index", lambda: indexer.rebuild(get_service(restored).index, procs=1), figures)
            db.engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
