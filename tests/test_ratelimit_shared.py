"""Rate limits that hold across nodes: two processes, each its own app with its own instance
folder (two machines' worth of workers), counting in one Redis or one memcached started by the
test (Debian's redis-server and memcached). Separate processes, because Flask-Limiter keeps
one storage per Limiter object and the app factory shares one: two apps in one process would
share the last one's storage.
"""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from covenant_hub import create_app


def _serve(config: dict[str, Any], commands: Any, answers: Any) -> None:
    """One node: answers each command with the status code of one failed login."""
    client = create_app(config).test_client()
    data = {"email": "target@example.org", "password": "wrong-password-1"}
    while commands.get() == "fail":
        answers.put(
            client.post("/account/login", data=data, environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code
        )


class Node:
    def __init__(self, config: dict[str, Any], name: str, tmp_path: Path, storage_uri: str | None) -> None:
        (tmp_path / name).mkdir(exist_ok=True)
        node_config = {
            **config,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_LOGIN": "100 per hour",
            "RATELIMIT_LOGIN_FAILURES_PER_CLIENT": "3 per hour",
            "RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT": "100 per hour",
            # without a shared URI, each node's own file: what a second machine has by default
            "RATELIMIT_STORAGE_URI": storage_uri or f"covenantsqlite:///{tmp_path / name / 'ratelimits.db'}",
        }
        context = multiprocessing.get_context("spawn")
        self.commands, self.answers = context.Queue(), context.Queue()
        self.process = context.Process(target=_serve, args=(node_config, self.commands, self.answers))
        self.process.start()

    def fail(self) -> int:
        self.commands.put("fail")
        return int(self.answers.get(timeout=120))

    def stop(self) -> None:
        self.commands.put("stop")
        self.process.join(timeout=60)


@pytest.fixture
def nodes() -> Iterator[list[Node]]:
    started: list[Node] = []
    yield started
    for node in started:
        node.stop()


SHARED_STORES = {"redis": ("redis_url", "RedisStorage"), "memcached": ("memcached_url", "MemcachedStorage")}


@pytest.fixture(params=sorted(SHARED_STORES))
def store(request: pytest.FixtureRequest) -> str:
    """Each of Flask-Limiter's shared storages that the README offers for several nodes."""
    return request.param


@pytest.fixture
def shared_uri(store: str, request: pytest.FixtureRequest, app_config: dict[str, Any]) -> str:
    """The store's URL, with a key prefix of this test's own so that tests sharing the server
    never meet."""
    app_config["RATELIMIT_KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    return request.getfixturevalue(SHARED_STORES[store][0])


def test_failed_login_limit_of_three_holds_across_two_nodes_on_a_shared_store(
    app_config: dict[str, Any], shared_uri: str, tmp_path: Path, nodes: list[Node]
) -> None:
    a, b = Node(app_config, "a", tmp_path, shared_uri), Node(app_config, "b", tmp_path, shared_uri)
    nodes.extend([a, b])
    codes = [a.fail(), b.fail(), a.fail(), b.fail(), a.fail()]
    assert codes == [200, 200, 200, 429, 429], "three failures in all, whichever node answered"


def test_per_machine_files_would_let_each_node_through(
    app_config: dict[str, Any], tmp_path: Path, nodes: list[Node]
) -> None:
    """The single-machine default, for contrast: each node counts alone (why Redis is needed)."""
    a, b = Node(app_config, "a", tmp_path, None), Node(app_config, "b", tmp_path, None)
    nodes.extend([a, b])
    assert [a.fail(), b.fail(), a.fail(), b.fail(), a.fail(), b.fail(), a.fail()] == [200] * 6 + [429]


def test_the_shared_storage_is_flask_limiters_own(
    app_config: dict[str, Any], store: str, shared_uri: str
) -> None:
    from covenant_hub.extensions import limiter

    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": shared_uri})
    with app.app_context():
        storage = limiter._storage  # noqa: SLF001  (which backend the URI chose)
        assert type(storage).__name__ == SHARED_STORES[store][1]
        assert storage.check()
