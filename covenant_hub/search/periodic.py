"""The search index's periodic job: find a stale or damaged index and put it right."""

from __future__ import annotations

from typing import Any

from flask import current_app

from covenant_hub.search import indexer
from covenant_hub.search.service import get_service


def check_index() -> dict[str, Any]:
    """Rebuild a missing or damaged index; else apply queued changes and repair what differs
    from the database. Returns what it found, for the job log."""
    index = get_service(current_app).index
    if not indexer.usable(index):
        return {"rebuilt": indexer.rebuild(index)}
    drained = indexer.drain(index, timeout=30.0)
    report = indexer.check(index, repair=True)
    return {"applied": drained.rows, "missing": len(report.missing), "extra": len(report.extra)}
