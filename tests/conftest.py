"""Fixtures: every test gets its own app, SQLite database, index folder and mail outbox."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import inspect

from covenant_hub import create_app
from covenant_hub.extensions import db
from tests.servers import S3_TEST_SETTINGS, create_bucket, memcached_server, redis_server, s3_server

TEST_PASSWORD = "correct-horse-battery-42"


def build_test_config(base: Path, database: Path) -> dict[str, Any]:
    """Settings that keep a test's files inside its own temporary folder."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{database}",
        "INDEX_DIR": str(base / "index"),
        "MAIL_OUTBOX": str(base / "outbox"),
        "ATTACHMENTS_DIR": str(base / "attachments"),
        "RATELIMIT_STORAGE_URI": f"covenantsqlite:///{base / 'ratelimits.db'}",
        "RATELIMIT_ENABLED": False,
        "DEMO_DATA": False,
        "ARGON2_FAST": True,
        # Mail jobs run at once, after the commit that queued them, so a test can read the outbox
        # folder after its request; tests/jobs run a real queue with an in-test worker instead.
        "JOBS_IMMEDIATE": True,
        # Form posts in unit tests carry no token; CSRF tests and browser tests turn it back on.
        "WTF_CSRF_ENABLED": False,
    }


class FreshRequestClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as on a real server.

    The `app` fixture keeps one app context pushed for the whole test so that tests can query
    the database, and Flask reuses it for test-client requests: without this, Flask-Login's
    loaded user and Babel's locale would leak from one request into the next.
    """

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database upgraded through the real Alembic migrations, copied by each test."""
    from flask_migrate import upgrade

    base = tmp_path_factory.mktemp("template")
    database = base / "template.db"
    app = create_app(build_test_config(base, database))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database


@pytest.fixture
def app_config(tmp_path: Path, migrated_database: Path) -> dict[str, Any]:
    """The config of this test's app; tests may change it before asking for `app`."""
    database = tmp_path / "covenant.db"
    shutil.copy(migrated_database, database)
    return build_test_config(tmp_path, database)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """A fresh app whose app context is pushed for the test's own queries.

    A test must leave the schema as it found it: on a database other tests share (the
    PostgreSQL run, tests/postgres/whole_suite.py) a dropped or added table breaks every test
    after it, so one that changes the set of tables fails here, wherever it runs.
    """
    application = create_app(app_config)
    application.test_client_class = FreshRequestClient
    with application.app_context():
        tables = _table_names()
        yield application
        db.session.remove()
        left = _table_names()
        db.engine.dispose()
    if left != tables:
        pytest.fail(
            f"the test left the schema changed: tables dropped {sorted(tables - left)}, "
            f"added {sorted(left - tables)}; restore what a test changes"
        )


def _table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def outbox(app: Flask) -> Path:
    """The folder this test's mail lands in."""
    return Path(app.config["MAIL_OUTBOX"])


# A real S3-compatible server (moto's), started on first use, for the file-store tests.
@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with s3_server(tmp_path_factory.mktemp("moto")) as endpoint:
        yield endpoint


@pytest.fixture
def s3_settings(s3_endpoint: str) -> dict[str, Any]:
    """A fresh bucket on the server for this test."""
    bucket = f"covenant-{uuid.uuid4().hex[:12]}"
    create_bucket(s3_endpoint, bucket)
    return {**S3_TEST_SETTINGS, "S3_ENDPOINT_URL": s3_endpoint, "S3_BUCKET": bucket}


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway Debian redis-server, started on first use, for the shared rate-limit tests."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def memcached_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway Debian memcached, started on first use, for the shared rate-limit tests."""
    with memcached_server(tmp_path_factory.mktemp("memcached")) as url:
        yield url
