"""The match model's gauges at /metrics: its age and the changes it has not replayed, as seen by
the worker that answers the scrape (each worker holds its own model)."""

from __future__ import annotations

import time

from flask import Flask

from covenant_hub.matching import service
from covenant_hub.ops.metrics import register_gauge


def model_age_seconds() -> float | None:
    """Seconds since this process installed its model; None (NaN) before its first build."""
    built = service.state().built_at
    return None if built is None else time.monotonic() - built  # built_at is monotonic


def changes_behind() -> float | None:
    """match_changes rows committed since the model's mark: what its next use will replay."""
    holder = service.state()
    if holder.model is None or holder.mark is None:
        return None
    current = service.read_mark()
    return None if current is None else max(0, current - holder.mark)


def init_app(app: Flask) -> None:
    register_gauge(
        app,
        "covenant_match_model_age_seconds",
        "Seconds since the answering worker built or installed its match model.",
        model_age_seconds,
    )
    register_gauge(
        app,
        "covenant_match_changes_behind",
        "match_changes rows the answering worker's model has not replayed yet.",
        changes_behind,
    )
