"""The queue on each storage it offers beside the in-memory one of the other job tests: the
SQLite file of one machine (the default) and a Redis shared by several (JOBS_REDIS_URL; the
site's PostgreSQL is tests/postgres/test_jobs_on_postgres.py). Mail queued in a commit waits
in the store, then one worker tick sends the batch once."""

from __future__ import annotations

from typing import Any

import pytest

from covenant_hub.extensions import db
from covenant_hub.jobs import delivery
from covenant_hub.jobs.queue import get_queue
from covenant_hub.mail import send_mail


@pytest.fixture(params=["sqlite", "redis"])
def app_config(request: pytest.FixtureRequest, app_config: dict[str, Any], tmp_path) -> dict[str, Any]:
    settings = {**app_config, "JOBS_BACKEND": request.param}
    if request.param == "sqlite":
        settings["JOBS_SQLITE_PATH"] = str(tmp_path / "jobs.sqlite3")
    else:
        settings["JOBS_REDIS_URL"] = request.getfixturevalue("redis_url")
    return settings


def test_mail_waits_in_the_store_then_goes_once(app, sink):
    queue = get_queue(app)
    queue.huey.flush()  # a Redis is shared by the tests of this process: start from an empty queue
    assert (
        type(queue.huey).__name__
        == {"sqlite": "SqliteHuey", "redis": "RedisHuey"}[app.config["JOBS_BACKEND"]]
    )
    for n in range(3):
        send_mail(f"s{n}@example.org", "Hi", "body", key=f"backend:{n}")
    db.session.commit()
    assert sink.recorder.messages == [] and queue.depth() == 1
    assert queue.run_pending() == 1
    assert sink.recorder.recipients() == [f"s{n}@example.org" for n in range(3)]
    assert delivery.counts()["sent"] == 3 and queue.depth() == 0
    assert queue.run_pending() == 0 and len(sink.recorder.messages) == 3
