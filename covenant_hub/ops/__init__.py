"""Operations: request logs (JSON or text), Prometheus metrics at /metrics, the error reporter
(Sentry, when configured) and consistent online backups. Core: imports no domain; the domains
that have something to report (the search outbox, the match model) register their gauges with
`metrics.register_gauge` in their own `init_app`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Request ids and logs first, so every later hook's log lines carry the id."""
    from covenant_hub.ops import logs, metrics, reporting

    logs.init_app(app)
    metrics.init_app(app)
    reporting.init_app(app)
