"""A throwaway PostgreSQL cluster built from Debian's server binaries, for tests.

initdb into a temporary folder, a server on a free port on 127.0.0.1 (and a socket in that
folder), stopped and removed at the end: no system service is needed or touched. initdb and
postgres refuse to run as root, so as root (CI) the cluster runs as the `postgres` user the
package creates. Missing binaries fail: a skip would hide that PostgreSQL went unproved.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import psycopg
import pytest

from tests.conftest import build_test_config

BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVICE_USER = "postgres"
SUPERUSER = "covenant"
# Speed over durability; and a server clock zone other than UTC, as many real servers have,
# so that code assuming the database hands back UTC times is caught here.
SERVER_SETTINGS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=40 -c shared_buffers=32MB -c timezone=Asia/Bishkek"
)
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
    owned_base: bool = False  # a folder we made ourselves (as root), removed on stop

    @property
    def data(self) -> Path:
        return self.base / "data"

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def run(self, tool: str, *args: str) -> None:
        command = [*self.as_user, str(self.bin_dir / tool), *args]
        done = subprocess.run(command, cwd=self.base, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(
                f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}\n{self.log_tail()}",
                pytrace=False,
            )

    def log_tail(self) -> str:
        log = self.base / "server.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def create_database(self) -> str:
        """A new empty database (CREATE DATABASE costs about a second: not one per test)."""
        name = f"covenant_{os.getpid()}_{next(_numbers)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return name

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
            cwd=self.base,
            capture_output=True,
            check=False,
        )
        if self.owned_base:
            shutil.rmtree(self.base, ignore_errors=True)


def _cluster_owner() -> tuple[list[str], int | None, int | None]:
    """How to run the server binaries: as ourselves, or (as root) as the `postgres` user."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        pytest.fail(
            f"Running as root, but there is no '{SERVICE_USER}' user to run the test "
            "cluster as (initdb refuses root). Install Debian's postgresql, which creates it.",
            pytrace=False,
        )
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", SERVICE_USER, "--"], entry.pw_uid, entry.pw_gid


def _start(cluster: Cluster) -> None:
    """Start on a free port; retry on another port if a parallel worker took this one first."""
    for _attempt in range(3):
        cluster.port = free_port()
        options = f"-p {cluster.port} -k {cluster.base} -c listen_addresses=127.0.0.1 {SERVER_SETTINGS}"
        command = [
            *cluster.as_user,
            str(cluster.bin_dir / "pg_ctl"),
            "-D",
            str(cluster.data),
            "-l",
            str(cluster.base / "server.log"),
            "-w",
            "-t",
            "30",
            "-o",
            options,
            "start",
        ]
        if subprocess.run(command, cwd=cluster.base, capture_output=True, check=False).returncode == 0:
            return
    pytest.fail(f"The test PostgreSQL server did not start:\n{cluster.log_tail()}", pytrace=False)


def start_cluster(make_folder: Callable[[], Path]) -> Cluster:
    """initdb and start; `make_folder` gives a private folder when we run as ourselves."""
    bin_dir = find_bin_dir()
    as_user, uid, gid = _cluster_owner()
    if uid is None:
        base = make_folder()
    else:
        # pytest's own temp root is private to root (0700), which the postgres user cannot enter.
        base = Path(tempfile.mkdtemp(prefix="covenant-pg-"))
        os.chown(base, uid, gid)  # type: ignore[arg-type]
    cluster = Cluster(bin_dir=bin_dir, base=base, port=0, as_user=as_user, owned_base=uid is not None)
    try:
        cluster.run(
            "initdb",
            "-D",
            str(cluster.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        _start(cluster)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def migrate(url: str, base: Path) -> None:
    """Upgrade the database at `url` through the real Alembic migrations."""
    from flask_migrate import upgrade

    from covenant_hub import create_app
    from covenant_hub.extensions import db

    app = create_app({**build_test_config(base, base / "unused.db"), "DATABASE_URL": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def empty_tables(url: str) -> None:
    """Remove every row (ids restart too) but keep the schema and its migration version."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SET lock_timeout = '10s'")
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT quote_ident(tablename) FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ]
        if tables:
            connection.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


@contextmanager
def running_cluster(make_folder: Callable[[], Path]) -> Iterator[Cluster]:
    """A started cluster (`start_cluster`), stopped when the block ends however it ends."""
    cluster = start_cluster(make_folder)
    try:
        yield cluster
    finally:
        cluster.stop()
