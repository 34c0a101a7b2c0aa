"""SQLite is tuned for several worker processes: WAL, foreign keys, busy timeout, and write
transactions that begin IMMEDIATE so concurrent read-then-write transactions queue, not fail."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from covenant_hub.extensions import db
from tests.dblocks import writer_can_start

WRITERS = 4
WRITES_EACH = 15


def test_sqlite_connection_pragmas(app):
    connection = db.session.connection()
    assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def _writer(config: dict[str, Any], worker: int, failures: Any) -> None:
    """Read, think, then write: the pattern that fails under DEFERRED transactions."""
    import time

    from covenant_hub import create_app
    from covenant_hub.extensions import db as worker_db
    from covenant_hub.orgs.models import Organisation

    app = create_app(config)
    with app.app_context():
        for number in range(WRITES_EACH):
            try:
                seen = worker_db.session.execute(select(func.count(Organisation.id))).scalar()
                time.sleep(0.002)
                worker_db.session.add(
                    Organisation(
                        external_id=f"w{worker}-{number}",
                        kind="signatory",
                        name=f"After {seen}",
                        country="kg",
                        languages=[],
                        sectors=[],
                        commitments=[],
                    )
                )
                worker_db.session.commit()
            except Exception:  # noqa: BLE001 - every failure is what we count
                worker_db.session.rollback()
                failures.value += 1


def test_concurrent_writers_never_see_database_is_locked(app, app_config: dict[str, Any], tmp_path: Path):
    from covenant_hub.orgs.models import Organisation

    context = multiprocessing.get_context("spawn")
    failures = context.Value("i", 0)
    workers = [context.Process(target=_writer, args=(app_config, n, failures)) for n in range(WRITERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert failures.value == 0
    db.session.expire_all()
    assert db.session.execute(select(func.count(Organisation.id))).scalar() == WRITERS * WRITES_EACH


def test_reading_only_commands_leave_the_write_lock_to_others(app):
    from covenant_hub.database import reading_only

    db.session.rollback()
    db.session.execute(text("SELECT 1"))  # a CLI transaction: IMMEDIATE, holds the write lock
    assert not writer_can_start(app)
    db.session.rollback()
    with reading_only():
        db.session.execute(text("SELECT 1"))  # DEFERRED: a long read blocks no writer
        assert writer_can_start(app)
        db.session.rollback()


def test_match_evaluate_holds_no_transaction_while_it_scores(app, runner, monkeypatch):
    from covenant_hub.matching import cli

    seen = []

    def spy(*args, **kwargs):
        seen.append(writer_can_start(app))
        return []

    monkeypatch.setattr(cli, "evaluate", spy)
    result = runner.invoke(
        args=[
            "match",
            "evaluate",
            "--since",
            "2016-01-01",
            "--until",
            "2019-01-01",
            "--kind",
            "coordinator",
            "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    assert seen == [True]
