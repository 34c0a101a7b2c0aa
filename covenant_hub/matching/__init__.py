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
    from covenant_hub.jobs.queue import register_periodic
    from covenant_hub.matching import gauges, service
    from covenant_hub.matching.cli import match_cli
    from covenant_hub.matching.reminders import register_remind_command
    from covenant_hub.matching.views import register_matching_web
    from covenant_hub.orgs.cli import orgs_cli

    service.init_app(app)
    gauges.init_app(app)
    app.cli.add_command(match_cli)
    # match_changes rows older than a week: every process has replayed them long ago
    register_periodic(app, "match.prune_changes", {"minute": "40", "hour": "3"}, service.prune_changes)
    if "remind" not in orgs_cli.commands:
        register_remind_command(orgs_cli)
    register_matching_web(app)
