"""Fixtures for the tests that prove the app runs on PostgreSQL through DATABASE_URL alone.

One throwaway cluster per session (per xdist worker), see cluster.py; one database in it
migrated through Alembic; each test starts from that database emptied.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import build_test_config
from tests.postgres.cluster import Cluster, empty_tables, migrate, running_cluster


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(lambda: tmp_path_factory.mktemp("postgres")) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def pg_migrated(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The session's one migrated database."""
    url = pg_cluster.url(pg_cluster.create_database())
    migrate(url, tmp_path_factory.mktemp("pg-migrate"))
    return url


@pytest.fixture
def pg_database(pg_migrated: str) -> str:
    """The migrated database, emptied first so that each test starts from no rows."""
    empty_tables(pg_migrated)
    return pg_migrated


@pytest.fixture
def app_config(tmp_path: Path, pg_database: str) -> dict[str, Any]:
    """The shared test config, pointed at this test's PostgreSQL database by URL alone."""
    return {**build_test_config(tmp_path, tmp_path / "unused.db"), "DATABASE_URL": pg_database}
