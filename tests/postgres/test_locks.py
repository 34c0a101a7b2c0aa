"""The singleton-job tests of tests/test_locks.py, on PostgreSQL: advisory locks, not files."""

from __future__ import annotations

from flask import Flask

from covenant_hub.extensions import db
from tests.test_locks import (  # noqa: F401  (collected here with this folder's fixtures)
    test_a_second_run_says_already_running_and_exits_non_zero,
    test_another_process_holding_the_lock_refuses_this_one,
    test_one_job_does_not_block_another,
    test_the_lock_is_released_after_the_job,
    test_the_lock_is_released_when_the_job_fails,
)


def test_the_lock_is_an_advisory_lock_every_connection_sees(app: Flask) -> None:
    from sqlalchemy import text

    from covenant_hub.locks import advisory_key, job_lock

    assert db.engine.dialect.name == "postgresql"
    probe = text("SELECT pg_try_advisory_lock(:key)")
    with job_lock("import"), db.engine.connect() as other:
        assert other.execute(probe, {"key": advisory_key("import")}).scalar() is False
    with db.engine.connect() as other:
        assert other.execute(probe, {"key": advisory_key("import")}).scalar() is True
        other.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": advisory_key("import")})
