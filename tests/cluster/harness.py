"""Two web nodes on one PostgreSQL, as a load balancer would run them, for tests and bench/.

A throwaway PostgreSQL cluster (tests/postgres/cluster.py), one database in it migrated through
Alembic and seeded (bench/livesite.seed_forum plus a staff account), and two gunicorn nodes with
the same database URL and secret key but each its own index, instance, mail and upload folders.
Tests drive the nodes through HTTP only (bench/livesite.Client); the database is read directly
only to audit what was confirmed.

Hooks for shared services: ``Nodes(shared=...)`` settings go to every node (say a
``RATELIMIT_STORAGE_URI`` of a Redis started by the test suite); ``per_node`` settings go to one.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench.livesite import PASSWORD, Client, Poster, Server, flask_cli, seed_forum, site_config

DROPPED = (OSError, http.client.HTTPException)  # a connection that died before an answer
STAFF_EMAIL = "staff@example.org"
FOLLOW_S = 5.0  # the acceptance figure: a change on one node is searchable on the other by then
POLL_S = 0.05


def node_config(base: Path, name: str, database_url: str, shared: dict[str, Any]) -> dict[str, Any]:
    """One node's settings: the shared database and secret, its own folders."""
    folder = base / name
    folder.mkdir(parents=True, exist_ok=True)
    return {
        **site_config(folder),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "cluster-secret",
        "INSTANCE_PATH": str(folder / "instance"),  # read once COVENANT_INSTANCE_PATH exists
        "SEARCH_POLL_S": 0.5,
        **shared,
    }


def seed(config: dict[str, Any], posters: int) -> list[Poster]:
    """The forum of bench/livesite plus a staff account (a moderator everywhere)."""
    found = seed_forum(config, posters)
    from datetime import timedelta

    from covenant_hub import create_app
    from covenant_hub.accounts.models import User
    from covenant_hub.accounts.passwords import hash_password
    from covenant_hub.clock import utcnow
    from covenant_hub.extensions import db

    app = create_app({**config, "SEARCH_WORKER": "off"})
    with app.app_context():
        old = utcnow() - timedelta(days=30)
        staff = User(email=STAFF_EMAIL, name="Staff", language="en", role="staff",
                     password_hash=hash_password(PASSWORD), confirmed_at=old, created_at=old)  # fmt: skip
        db.session.add(staff)
        db.session.commit()
        db.engine.dispose()
    return found


@dataclass
class Node(Server):
    """A gunicorn node; ``name`` for messages."""

    name: str = "node"

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ensure_running(self) -> None:
        if not self.running():
            self.process = None
            self.start()

    def cli(self, *args: str, timeout: float = 300) -> Any:
        """`flask --app app ...` with this node's settings (its index)."""
        return flask_cli(self.config, *args, timeout=timeout)

    def search_check(self, repair: bool = False) -> dict[str, Any]:
        """`flask search check --json` on this node's index (``repair`` off: report only)."""
        done = self.cli("search", "check", "--json", *(() if repair else ("--no-repair",)))
        if done.returncode != 0:
            raise RuntimeError(f"{self.name}: search check failed: {done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def readyz(self) -> tuple[int, dict[str, Any]]:
        answer = Client(self.url).get("/readyz")
        return answer.status, json.loads(answer.body)


@dataclass
class Nodes:
    """The database, the two nodes and the seeded accounts."""

    database_url: str
    nodes: list[Node]
    posters: list[Poster]
    base: Path
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def a(self) -> Node:
        return self.nodes[0]

    @property
    def b(self) -> Node:
        return self.nodes[1]

    def extra_node(self, name: str, **settings: Any) -> Node:
        """Another node on the same database (not started)."""
        config = {**node_config(self.base, name, self.database_url, self.shared), **settings}
        return Node(config, workers=2, name=name)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def start_nodes(base: Path, database_url: str, posters: int = 8, workers: int = 2,
                shared: dict[str, Any] | None = None,
                per_node: tuple[dict[str, Any], ...] = ({}, {})) -> Nodes:  # fmt: skip
    """Seed the (migrated or empty) database, then start one node per ``per_node`` entry."""
    shared = dict(shared or {})
    configs = [{**node_config(base, f"node-{chr(97 + n)}", database_url, shared), **extra}
               for n, extra in enumerate(per_node)]  # fmt: skip
    seeded = seed(configs[0], posters)
    nodes = [Node(config, workers=workers, name=f"node-{chr(97 + n)}") for n, config in enumerate(configs)]
    started: list[Node] = []
    try:
        for node in nodes:
            node.start()
            started.append(node)
    except BaseException:
        for node in started:
            node.stop()
        raise
    return Nodes(database_url=database_url, nodes=nodes, posters=seeded, base=base, shared=shared)


# -- what clients do ----------------------------------------------------------------------------


def login(node: Node, email: str) -> Client:
    client = Client(node.url)
    client.login(email)
    return client


def reply(client: Client, thread_id: int, body: str) -> int | None:
    """Post a reply; the new post's id when the server confirmed it (302 to its anchor)."""
    path = f"/forum/t/{thread_id}"
    answer = client.post(path + "/reply", {"csrf_token": client.token(path), "body": body})
    if answer.status == 302 and "#post-" in answer.location:
        return int(answer.location.rsplit("#post-", 1)[1])
    return None


def hide(client: Client, thread_id: int, post_id: int) -> bool:
    token = client.token(f"/forum/t/{thread_id}")
    answer = client.post(f"/forum/p/{post_id}/hide", {"csrf_token": token, "reason": "cluster test"})
    return answer.status == 302


def found_in_index(node: Node, word: str) -> bool:
    """Does ``node``'s index (not its database fallback) find a post with ``word``?"""
    total, degraded = Client(node.url).search_total(word)
    return total > 0 and not degraded


def absent_from_index(node: Node, word: str) -> bool:
    total, degraded = Client(node.url).search_total(word)
    return total == 0 and not degraded


def wait_for(check: Callable[[], bool], timeout: float) -> float | None:
    """Seconds until ``check()`` held, polling; None if it did not within ``timeout``."""
    start = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - start
        except DROPPED:
            pass
        if time.monotonic() - start > timeout:
            return None
        time.sleep(POLL_S)


def post_bodies(database_url: str) -> list[str]:
    """Every post body, read straight from PostgreSQL (for audits, not through the app)."""
    with psycopg.connect(database_url) as connection:
        return [row[0] for row in connection.execute("SELECT body FROM forum_posts")]


@contextmanager
def two_nodes(base: Path, database_url: str, **kwargs: Any) -> Iterator[Nodes]:
    nodes = start_nodes(base, database_url, **kwargs)
    try:
        yield nodes
    finally:
        nodes.stop()
