"""Matchmaking: who has already done what a city plans, and who can help it.

`engine/` takes plain records and gives ranked, explained results; it never imports Flask or
the database. Beside it is the app's side: `models` (the ORM tables of requests, proposals,
invitations, outcomes, the change log), `snapshot` (reads the engine's records from the
database), `service` (one model per process, refreshed after commits through `changes`),
`workflow` (the services: request -> proposals -> invitations -> exchange -> outcome, with
their permission checks), `queries`, `views`, `cli`. `init_app(app)` wires the service, the
`flask match` commands and the pages.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Hold the model in `app.extensions`, add the `flask match` commands and mount the pages."""
    from covenant_hub.matching import gauges, service
    from covenant_hub.matching.cli import match_cli
    from covenant_hub.matching.views import register_matching_web

    service.init_app(app)
    gauges.init_app(app)
    app.cli.add_command(match_cli)
    register_matching_web(app)
