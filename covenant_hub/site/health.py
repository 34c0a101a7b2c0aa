"""Liveness and readiness for a load balancer: /healthz and /readyz answer JSON.

Liveness says only that this process answers (no database, no disk). Readiness says whether
this node should get traffic: the database answers, its schema is at the migrations' head,
and this node's search index is not further behind the change log than
``SEARCH_READY_MAX_LAG_ROWS`` rows or ``SEARCH_READY_MAX_LAG_S`` seconds (a lagging node is
drained until it caught up). The match model's age and lag are reported, not judged: each
worker builds its model on first use and replays `match_changes` before every use.
"""

from __future__ import annotations

import functools
import logging
from time import monotonic
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from covenant_hub.extensions import db
from covenant_hub.matching import changes as match_changes
from covenant_hub.matching.service import state as matching_state
from covenant_hub.search import indexer
from covenant_hub.search.service import get_service

log = logging.getLogger(__name__)


@functools.cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revisions of the migrations folder (read once per process)."""
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def liveness() -> dict[str, Any]:
    return {"status": "ok"}


def readiness(app: Flask) -> tuple[bool, dict[str, Any]]:
    """(ready, the report). Reads in one short transaction, ended before returning."""
    report: dict[str, Any] = {"database": False, "migrations": None, "search": None, "match": None}
    try:
        report["database"] = db.session.execute(text("SELECT 1")).scalar() == 1
        report["migrations"] = _migrations(app)
        report["search"] = _search(app)
        report["match"] = _match(app)
    except SQLAlchemyError as error:
        log.warning("readyz: the database did not answer: %s", error)
        report["error"] = type(error).__name__
    finally:
        db.session.rollback()
    ready = bool(
        report["database"]
        and report["migrations"] is not None
        and report["migrations"]["at_head"]
        and report["search"] is not None
        and report["search"]["ok"]
    )
    report["status"] = "ready" if ready else "not ready"
    return ready, report


def _migrations(app: Flask) -> dict[str, Any]:
    directory = app.extensions["migrate"].directory
    heads = migration_heads(str(directory))
    current = set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return {"at_head": current == heads, "current": sorted(current), "heads": sorted(heads)}


def _search(app: Flask) -> dict[str, Any]:
    service = get_service(app)
    lag = indexer.lag(service.index)
    usable = indexer.usable(service.index)
    max_rows = int(app.config["SEARCH_READY_MAX_LAG_ROWS"])
    max_s = float(app.config["SEARCH_READY_MAX_LAG_S"])
    ok = usable and lag.rows <= max_rows and lag.seconds <= max_s
    return {"ok": ok, "usable": usable, "mark": lag.mark, "head": lag.head, "lag_rows": lag.rows,
            "lag_seconds": lag.seconds, "max_lag_rows": max_rows, "max_lag_seconds": max_s}  # fmt: skip


def _match(app: Flask) -> dict[str, Any]:
    holder = matching_state(app)
    head = match_changes.current_mark(db.session)
    built = holder.model is not None and holder.built_at is not None
    return {
        "built": built,
        "age_seconds": round(monotonic() - holder.built_at, 1) if built and holder.built_at else None,
        "lag_rows": None if holder.mark is None else max(0, head - holder.mark),
    }
