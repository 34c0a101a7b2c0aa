"""One run at a time, across every node: the lock that singleton jobs take.

Newsletter sends, imports, model rebuilds, reindexes and migrations must not run twice at
once, whichever machine starts them. On PostgreSQL the lock is a session advisory lock
(`pg_try_advisory_lock`) on a connection of its own, held for the whole job: every node
shares the database, so it shares the lock, and a job that dies loses it with its connection.
On SQLite (one machine by construction) it is an exclusive `flock` on a file beside the
database, released by the kernel when the process dies. Neither ever waits: a second run is
told the job is already running and exits non-zero.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import text

from covenant_hub.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
_NAMESPACE = b"covenant-hub job lock:"


class AlreadyRunning(click.ClickException):
    """Another run of the job holds its lock; a CLI shows the message and exits with 1."""

    def __init__(self, job: str) -> None:
        self.job = job
        super().__init__(_("%(job)s is already running (another process holds its lock).", job=job))


def advisory_key(job: str) -> int:
    """A stable signed 64-bit key per job name, the type pg_try_advisory_lock takes."""
    digest = hashlib.sha256(_NAMESPACE + job.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_file(job: str) -> Path:
    """The SQLite lock file: beside the database file (every app on that file shares it), or in
    the instance folder for an in-memory database."""
    database = db.engine.url.database
    slug = re.sub(r"[^a-z0-9]+", "-", job.lower()).strip("-")
    if database and database != ":memory:":
        return Path(f"{database}.{slug}.lock")
    return Path(current_app.instance_path) / f"{slug}.lock"


@contextmanager
def job_lock(job: str) -> Iterator[None]:
    """Hold the cluster-wide lock of `job` for the block; raise AlreadyRunning when it is taken."""
    if db.engine.dialect.name == "postgresql":
        with _advisory_lock(job):
            yield
    else:
        with _file_lock(job):
            yield


@contextmanager
def _advisory_lock(job: str) -> Iterator[None]:
    key = advisory_key(job)
    # Autocommit: the lock belongs to the session, and the connection never idles in a transaction.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
            raise AlreadyRunning(job)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


@contextmanager
def _file_lock(job: str) -> Iterator[None]:
    path = lock_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(job) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def singleton(job: str) -> Callable[[F], F]:
    """Decorate a click command so that it runs inside `job_lock(job)`."""

    def decorate(command: F) -> F:
        @wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with job_lock(job):
                return command(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
