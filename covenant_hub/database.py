"""Database wiring: SQLite pragmas, write transactions begun IMMEDIATE, migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from covenant_hub.config import PROJECT_ROOT
from covenant_hub.extensions import db, migrate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SQLITE_BUSY_TIMEOUT_MS = 10_000


def init_app(app: Flask) -> None:
    """Attach SQLAlchemy and Alembic, then tune every SQLite connection the engine opens."""
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault(
            "connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Times come back in the session's zone: pin it to UTC, as SQLite stores them, so
        # code and exports never depend on the server's configured zone.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault("connect_args", {"options": "-c timezone=UTC"})
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _tune_sqlite(engine)


def _tune_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and a busy timeout on each connection; IMMEDIATE for writers.

    pysqlite's own transaction handling is switched off so that we emit BEGIN ourselves:
    a write transaction that starts DEFERRED and upgrades later fails with "database is
    locked" under concurrent writers instead of waiting for the busy timeout.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower()/upper() fold ASCII only, so ILIKE (lower() LIKE lower()) would
        # miss "Бишкек" for "бишкек"; Python's fold every script, as PostgreSQL's do.
        dbapi_connection.create_function("lower", 1, _fold(str.lower), deterministic=True)
        dbapi_connection.create_function("upper", 1, _fold(str.upper), deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN DEFERRED" if is_read_only_context() else "BEGIN IMMEDIATE")


def _fold(change: Any) -> Any:
    def fold(value: Any) -> Any:
        return change(value) if isinstance(value, str) else value

    return fold


# True inside `reading_only`, False inside `writing`, None elsewhere (the request decides).
_reading_only: ContextVar[bool | None] = ContextVar("covenant_reading_only", default=None)


@contextmanager
def reading_only() -> Iterator[None]:
    """For commands that only read (evaluate, tune, recommend, export): their transactions
    begin DEFERRED, so a run of minutes never holds the write lock the web workers wait on."""
    token = _reading_only.set(True)
    try:
        yield
    finally:
        _reading_only.reset(token)


@contextmanager
def writing() -> Iterator[None]:
    """A short write inside a long read (vectors stored between runs of the model): its
    transaction begins IMMEDIATE even where the surrounding work is `reading_only`."""
    token = _reading_only.set(False)
    try:
        yield
    finally:
        _reading_only.reset(token)


def is_read_only_context() -> bool:
    """A GET/HEAD request only reads, as does a `reading_only` block; everything else (POSTs,
    CLI, workers) may write."""
    forced = _reading_only.get()
    if forced is not None:
        return forced
    return has_request_context() and request.method in SAFE_METHODS
