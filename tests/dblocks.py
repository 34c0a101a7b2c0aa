"""Checks on SQLite's write lock, for tests that a transaction leaves it free (or holds it)."""

from __future__ import annotations

import sqlite3

from flask import Flask


def writer_can_start(app: Flask) -> bool:
    """Whether another connection gets the SQLite write lock right now (no waiting)."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()
