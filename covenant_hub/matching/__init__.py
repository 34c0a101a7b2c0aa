"""Matchmaking: who has already done what a city plans, and who can help it.

The engine (records, sparse, graph, text, features, ranker, reasons, model, evaluation,
baselines, tuning) takes plain records and never imports Flask. `snapshot` reads those records
from the database, `service` keeps one model per process and refreshes it after commits, and
`init_app(app)` wires the service, the `flask match` commands and the pages.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Hold the model in `app.extensions`, add the `flask match` commands and mount the pages."""
    from covenant_hub.matching import service
    from covenant_hub.matching.cli import match_cli
    from covenant_hub.matching.views import register_matching_web

    service.init_app(app)
    app.cli.add_command(match_cli)
    register_matching_web(app)
