"""/healthz (liveness) and /readyz (database, migrations at head, index lag) for a load balancer."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from covenant_hub.extensions import db
from covenant_hub.search import indexer
from covenant_hub.search.service import get_service
from tests.factories import make_practice


@pytest.fixture
def app_config(app_config):
    # Nothing follows the log by itself; any row this index lacks makes the node not ready.
    return {**app_config, "SEARCH_WORKER": "off", "SEARCH_READY_MAX_LAG_ROWS": 0}


def test_healthz_answers_without_the_database(app, client, monkeypatch):
    def no_database(*_args, **_kwargs):
        raise AssertionError("liveness must not touch the database")

    monkeypatch.setattr(db.session, "execute", no_database)
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_the_index_has_applied_the_whole_log(app, client):
    indexer.rebuild(get_service(app).index, procs=1)
    answer = client.get("/readyz")
    data = answer.get_json()
    assert answer.status_code == 200, data
    assert data["database"] is True and data["migrations"]["at_head"] is True
    assert data["search"]["lag_rows"] == 0 and data["search"]["lag_seconds"] == 0
    assert answer.headers["Cache-Control"] == "no-store"


def test_readyz_reports_the_lag_of_an_index_that_is_behind_and_answers_503(app, client):
    indexer.rebuild(get_service(app).index, procs=1)
    make_practice(title="Biogas digesters")  # logged, not applied: nothing drains here
    answer = client.get("/readyz")
    data = answer.get_json()
    assert answer.status_code == 503 and data["status"] == "not ready"
    assert data["search"]["lag_rows"] >= 1 and data["search"]["head"] > data["search"]["mark"]
    indexer.drain(get_service(app).index)
    assert client.get("/readyz").status_code == 200


def test_readyz_answers_503_when_the_schema_is_not_at_the_migrations_head(app, client):
    indexer.rebuild(get_service(app).index, procs=1)
    (current,) = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
    db.session.execute(text("UPDATE alembic_version SET version_num = 'ea98914cc7b3'"))
    db.session.commit()
    try:
        answer = client.get("/readyz")
        assert answer.status_code == 503
        assert answer.get_json()["migrations"]["at_head"] is False
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        db.session.commit()


def test_readyz_answers_503_when_the_database_does_not_answer(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["database"] is False
