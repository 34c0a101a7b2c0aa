"""The search change log on PostgreSQL: a commit that writes rows NOTIFYs every node's follower
(a rollback sends nothing), and the writers hold the log's advisory lock until they commit."""

from __future__ import annotations

import psycopg
from sqlalchemy import text

from covenant_hub.extensions import db
from covenant_hub.matching.changes import PG_LOCK
from covenant_hub.search import outbox
from tests.factories import make_org, make_practice


def _listener(url: str) -> psycopg.Connection:
    connection = psycopg.connect(url, autocommit=True)
    connection.execute(f"LISTEN {outbox.CHANNEL}")
    return connection


def test_a_commit_that_writes_log_rows_wakes_the_listeners(app, pg_database):
    org = make_org()
    with _listener(pg_database) as listening:
        make_practice(org=org, title="Heat pumps for schools")
        heard = list(listening.notifies(timeout=10, stop_after=1))
    assert [notice.channel for notice in heard] == [outbox.CHANNEL]


def test_a_rolled_back_change_notifies_nobody(app, pg_database):
    from covenant_hub.library.models import Practice

    org = make_org()
    with _listener(pg_database) as listening:
        db.session.add(Practice(external_id="p-rolled", org_id=org.id, title="Never saved", language="en"))
        db.session.flush()
        db.session.rollback()
        assert list(listening.notifies(timeout=1, stop_after=1)) == []


def test_a_writer_holds_the_log_lock_until_it_commits(app, pg_database):
    """Ids must become visible in id order for the marks: a second writer waits for the first."""
    from covenant_hub.library.models import Practice

    org = make_org()
    db.session.add(Practice(external_id="p-first", org_id=org.id, title="First", language="en"))
    db.session.flush()  # log rows written: the lock is held from here to the commit
    with psycopg.connect(pg_database, autocommit=True) as other:
        got = other.execute("SELECT pg_try_advisory_lock(%s)", (PG_LOCK,)).fetchone()[0]
        assert got is False
        db.session.commit()
        got = other.execute("SELECT pg_try_advisory_lock(%s)", (PG_LOCK,)).fetchone()[0]
        assert got is True
        other.execute("SELECT pg_advisory_unlock(%s)", (PG_LOCK,))
    assert db.session.execute(text("SELECT count(*) FROM search_outbox")).scalar() > 0
