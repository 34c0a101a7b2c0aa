"""Two `flask search worker` processes drain one outbox while the test keeps writing: every
change ends up in the index once both stop, and neither worker fails on the other's lock."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from covenant_hub.config import PROJECT_ROOT
from covenant_hub.extensions import db
from covenant_hub.search import indexer
from covenant_hub.search.engine.results import SearchQuery
from covenant_hub.search.service import get_service
from tests.factories import make_org, make_practice


def _env(config: dict[str, Any]) -> dict[str, str]:
    values = {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in config.items()}
    return {**os.environ, **{f"COVENANT_{k}": v for k, v in values.items() if k != "TESTING"}}


def test_two_worker_processes_lose_nothing(app, app_config):
    org = make_org()
    indexer.rebuild(get_service(app).index, procs=1)
    db.session.commit()
    command = [sys.executable, "-m", "flask", "--app", "app", "search", "worker",
               "--interval", "0.05", "--max-seconds", "6"]  # fmt: skip
    workers = [subprocess.Popen(command, cwd=PROJECT_ROOT, env=_env(app_config), stderr=subprocess.PIPE)
               for _ in range(2)]  # fmt: skip
    try:
        titles = [f"Workerproof practice number{n}" for n in range(40)]
        for title in titles:
            make_practice(org=org, title=title)
    finally:
        errors = [w.communicate(timeout=60)[1].decode() for w in workers]
    assert [w.returncode for w in workers] == [0, 0], errors
    assert indexer.backlog() == 0
    hits = get_service(app).index.search(SearchQuery("workerproof", page_size=100))
    assert hits.total == 40
