"""Opt-in plugin: run any package's tests on PostgreSQL instead of SQLite.

    .venv/bin/python -m pytest -p tests.postgres.whole_suite tests/orgs tests/library ...

tests/conftest.py builds every test app from `build_test_config()` and a copy of a migrated
SQLite file. This plugin points `build_test_config()` at one migrated database in a throwaway
cluster (emptied for each app, ids restarting) and makes the file copy a no-op, so the tests
run unchanged. The cluster starts on first use (so an xdist controller starts none) and stops
at the end. Tests about SQLite itself, or that lean on SQLite reusing deleted ids, fail here.
"""

from __future__ import annotations

import tempfile
import types
from pathlib import Path
from typing import Any

import pytest

import tests.conftest as shared
from tests.postgres.cluster import Cluster, empty_tables, migrate, start_cluster

_original_config = shared.build_test_config
_state: dict[str, Any] = {}


def _database_url() -> str:
    if "url" not in _state:
        cluster: Cluster = start_cluster(lambda: Path(tempfile.mkdtemp(prefix="covenant-pg-")))
        cluster.owned_base = True
        _state["cluster"] = cluster
        url = cluster.url(cluster.create_database())
        migrate(url, cluster.base / "migrate")
        _state["url"] = url
    return _state["url"]


def build_test_config_on_postgres(base: Path, database: Path) -> dict[str, Any]:
    url = _database_url()
    empty_tables(url)
    return {**_original_config(base, database), "DATABASE_URL": url}


def pytest_configure(config: pytest.Config) -> None:
    shared.build_test_config = build_test_config_on_postgres
    shared.shutil = types.SimpleNamespace(copy=lambda *_args, **_kwargs: None)  # type: ignore[assignment]


def pytest_unconfigure(config: pytest.Config) -> None:
    if "cluster" in _state:
        _state.pop("cluster").stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of SQLite itself (marked `sqlite_only`) have nothing to test on PostgreSQL."""
    skip = pytest.mark.skip(reason="tests SQLite's own locking; the PostgreSQL pass has no such lock")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)
