"""A throwaway PostgreSQL cluster for the tests that prove the app runs on PostgreSQL too.

The cluster is built from Debian's server binaries (`make postgresql` installs them) into a
temporary folder, listens on a free port on 127.0.0.1 and a socket in that folder, and is
stopped at the end of the session: no system service is needed or touched. initdb and
postgres refuse to run as root, so as root (CI) the cluster runs as the `postgres` user the
package creates. Missing binaries fail the tests: a skip would hide that PostgreSQL went unproved.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import build_test_config

BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVICE_USER = "postgres"
SUPERUSER = "covenant"
# Speed over durability; and a server clock zone other than UTC, as many real servers have,
# so that code assuming the database hands back UTC times is caught here.
SERVER_SETTINGS = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=40 -c shared_buffers=32MB -c timezone=Asia/Bishkek")
_numbers = count(1)


def find_bin_dir() -> Path:
    """The newest installed server version's bin folder (the path is versioned: 15, 16, ...)."""
    found = [Path(p) for p in glob.glob(BIN_GLOB) if (Path(p) / "initdb").is_file()]
    if not found:
        pytest.fail(
            "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb). "
            "Install Debian's server with `make postgresql` (as root: apt-get install postgresql) "
            "and run the tests again; the PostgreSQL tests never skip.",
            pytrace=False,
        )
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    """A running test cluster; `url(name)` is a COVENANT_DATABASE_URL for one database in it."""

    bin_dir: Path
    base: Path
    port: int
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.base / "data"

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [*self.as_user, str(self.bin_dir / tool), *args]
        done = subprocess.run(command, cwd=self.base, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}\n{tail}",
                        pytrace=False)
        return done

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(sql)

    def create_database(self) -> str:
        name = f"covenant_{os.getpid()}_{next(_numbers)}"
        self.execute(f"CREATE DATABASE {name}")
        return name


def _cluster_owner() -> tuple[list[str], int | None, int | None]:
    """How to run the server binaries: as ourselves, or (as root) as the `postgres` user."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        pytest.fail(f"Running as root, but there is no '{SERVICE_USER}' user to run the test "
                    "cluster as (initdb refuses root). Install Debian's postgresql, which creates it.",
                    pytrace=False)
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", SERVICE_USER, "--"], entry.pw_uid, entry.pw_gid


def _start(cluster: Cluster) -> None:
    """Start on a free port; retry on another port if a parallel worker took this one first."""
    for _attempt in range(3):
        cluster.port = free_port()
        options = (f"-p {cluster.port} -k {cluster.base} -c listen_addresses=127.0.0.1 "
                   f"{SERVER_SETTINGS}")
        command = [*cluster.as_user, str(cluster.bin_dir / "pg_ctl"), "-D", str(cluster.data),
                   "-l", str(cluster.base / "server.log"), "-w", "-t", "30", "-o", options, "start"]
        if subprocess.run(command, cwd=cluster.base, capture_output=True, check=False).returncode == 0:
            return
    log = (cluster.base / "server.log").read_text(errors="replace")[-2000:]
    pytest.fail(f"The test PostgreSQL server did not start:\n{log}", pytrace=False)


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """initdb + pg_ctl start once per session (per xdist worker); stopped and removed at the end."""
    bin_dir = find_bin_dir()
    as_user, uid, gid = _cluster_owner()
    if uid is None:
        base = tmp_path_factory.mktemp("postgres")
    else:
        # pytest's own temp root is private to root (0700), which the postgres user cannot enter.
        base = Path(tempfile.mkdtemp(prefix="covenant-pg-"))
        os.chown(base, uid, gid)  # type: ignore[arg-type]
    cluster = Cluster(bin_dir=bin_dir, base=base, port=0, as_user=as_user)
    cluster.run("initdb", "-D", str(cluster.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                "--locale=C.UTF-8", "--no-sync")
    _start(cluster)
    try:
        yield cluster
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(cluster.data), "-m", "fast",
                        "-w", "stop"], cwd=base, capture_output=True, check=False)
        if uid is not None:
            shutil.rmtree(base, ignore_errors=True)


def migrate(url: str, base: Path) -> None:
    """Upgrade the database at `url` through the real Alembic migrations."""
    from flask_migrate import upgrade

    from covenant_hub import create_app
    from covenant_hub.extensions import db

    app = create_app({**build_test_config(base, base / "unused.db"), "DATABASE_URL": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def pg_migrated(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The session's one migrated database (CREATE DATABASE costs ~1 s, too slow per test)."""
    url = pg_cluster.url(pg_cluster.create_database())
    migrate(url, tmp_path_factory.mktemp("pg-migrate"))
    return url


@pytest.fixture
def pg_database(pg_migrated: str) -> str:
    """The migrated database, emptied first so that each test starts from no rows."""
    with psycopg.connect(pg_migrated, autocommit=True) as connection:
        connection.execute("SET lock_timeout = '10s'")
        tables = [row[0] for row in connection.execute(
            "SELECT quote_ident(tablename) FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")]
        if tables:
            connection.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    return pg_migrated


@pytest.fixture
def app_config(tmp_path: Path, pg_database: str) -> dict[str, Any]:
    """The shared test config, pointed at this test's PostgreSQL database by URL alone."""
    return {**build_test_config(tmp_path, tmp_path / "unused.db"), "DATABASE_URL": pg_database}
