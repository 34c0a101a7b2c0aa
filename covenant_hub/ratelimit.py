"""Rate limits that every worker process shares, stored in a small SQLite file.

Flask-Limiter's memory storage is per process: four gunicorn workers would let through four
times the limit. Redis or memcached would fix that but need a server; a SQLite file in the
instance folder needs nothing and is shared by every process on the machine.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from urllib.parse import urlparse

from flask import Flask
from limits.storage import Storage

from covenant_hub.extensions import limiter


class SQLiteRateLimitStorage(Storage):
    """Fixed-window counters in SQLite; each increment is one IMMEDIATE transaction."""

    STORAGE_SCHEME = ["covenantsqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: object) -> None:
        self.path = urlparse(uri).path or ":memory:"
        self._local = threading.local()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        with self._connection() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL,"
                " expires_at REAL NOT NULL)"
            )

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        conn = self._connection()
        now = time.time()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT value, expires_at FROM counters WHERE key = ?", (key,)).fetchone()
            if row is None or row[1] <= now:
                value = amount
                conn.execute(
                    "INSERT OR REPLACE INTO counters (key, value, expires_at) VALUES (?, ?, ?)",
                    (key, value, now + expiry),
                )
            else:
                value = row[0] + amount
                conn.execute("UPDATE counters SET value = ? WHERE key = ?", (value, key))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return value

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute("SELECT value FROM counters WHERE key = ? AND expires_at > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute("SELECT expires_at FROM counters WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        cursor = self._connection().execute("DELETE FROM counters")
        return cursor.rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))


def init_app(app: Flask) -> None:
    """Attach Flask-Limiter with the shared storage named in config."""
    limiter.init_app(app)
