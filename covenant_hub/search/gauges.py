"""The search index's gauges at /metrics: how many changes wait in the outbox, and how long the
oldest has waited (the follow lag: 0 when the index is current)."""

from __future__ import annotations

from flask import Flask

from covenant_hub.clock import utcnow
from covenant_hub.ops.metrics import register_gauge
from covenant_hub.search import indexer


def follow_lag_seconds() -> float:
    oldest = indexer.oldest_pending()
    return 0.0 if oldest is None else max(0.0, (utcnow() - oldest).total_seconds())


def init_app(app: Flask) -> None:
    register_gauge(
        app,
        "covenant_search_outbox_backlog",
        "Changes in search_outbox the index has not taken yet.",
        lambda: float(indexer.backlog()),
    )
    register_gauge(
        app,
        "covenant_search_follow_lag_seconds",
        "Age of the oldest change waiting for the index (0: the index is current).",
        follow_lag_seconds,
    )
