"""Fixtures for tests/cluster: one PostgreSQL cluster and two gunicorn nodes for the module.

`cluster_shared_settings` is the hook for shared services (say a Redis for the rate limits):
override it in a test module or extend it here; its settings go to every node.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.harness import Nodes, start_nodes
from tests.postgres.cluster import Cluster, running_cluster


@pytest.fixture(scope="module")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(lambda: tmp_path_factory.mktemp("postgres")) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def cluster_shared_settings() -> dict[str, Any]:
    """Settings every node gets on top of its own (empty: the nodes share only the database)."""
    return {}


@pytest.fixture(scope="module")
def cluster_nodes(
    pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory, cluster_shared_settings: dict[str, Any]
) -> Iterator[Nodes]:
    """Two nodes on one fresh database (migrated and seeded by the harness)."""
    base: Path = tmp_path_factory.mktemp("nodes")
    url = pg_cluster.url(pg_cluster.create_database())
    nodes = start_nodes(base, url, posters=8, shared=cluster_shared_settings)
    try:
        yield nodes
    finally:
        nodes.stop()


@pytest.fixture
def nodes(cluster_nodes: Nodes) -> Nodes:
    """The module's nodes, both running (a test that killed one does not leave it dead)."""
    for node in cluster_nodes.nodes:
        node.ensure_running()
    return cluster_nodes
