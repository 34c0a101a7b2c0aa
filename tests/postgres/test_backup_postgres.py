"""`flask backup` on PostgreSQL: pg_dump's snapshot restored by pg_restore into an empty database."""

from __future__ import annotations

import json

from sqlalchemy import select

from covenant_hub import create_app
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation
from tests.conftest import build_test_config
from tests.factories import make_group, make_org, make_thread
from tests.postgres.cluster import migrate


def test_a_postgresql_backup_restores_into_an_empty_database(app, runner, pg_cluster, tmp_path):
    make_org(name="Jalal-Abad")
    make_thread(make_group(), posts=3)
    target = tmp_path / "b"
    created = runner.invoke(args=["backup", "create", str(target), "--json"])
    assert created.exit_code == 0, created.output
    assert json.loads(created.output)["database"] == "postgresql" and (target / "database.pgdump").exists()

    url = pg_cluster.url(pg_cluster.create_database())
    migrate(url, tmp_path / "migrate")
    other_base = tmp_path / "other"
    other_base.mkdir()
    other = create_app({**build_test_config(other_base, other_base / "unused.db"), "DATABASE_URL": url})
    with other.app_context():
        restored = other.test_cli_runner().invoke(args=["backup", "restore", str(target), "--json"])
        assert restored.exit_code == 0, restored.output
        assert [o.name for o in db.session.scalars(select(Organisation))] == ["Jalal-Abad"]
        again = other.test_cli_runner().invoke(args=["backup", "restore", str(target)])
        assert again.exit_code != 0 and "restore needs an empty instance" in again.output
        db.session.remove()
        db.engine.dispose()
