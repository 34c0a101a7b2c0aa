"""Covenant Hub: the application factory, a table of contents of what each part wires in."""

from __future__ import annotations

from typing import Any

from flask import Flask

from covenant_hub import (
    accounts,
    api,
    cli,
    conditional,
    config,
    database,
    errors,
    events,
    forum,
    i18n,
    idempotency,
    inputs,
    jobs,
    library,
    markup,
    matching,
    models,  # noqa: F401  (every table, for the metadata and Alembic)
    ops,
    orgs,
    programme,
    ratelimit,
    search,
    security,
    site,
    urls,
)

# Core first (input cleaning, database, languages, limits, headers, conditional GETs, error pages, |markdown,
# links), then each
# domain in the order of tests/test_layers.py, lowest first, then the app-wide commands.
# `models` is here for its side effect: every table is known to the metadata and Alembic.
PARTS = (inputs,  # the <id:...> converter and the cleaning request: before any blueprint
         ops,  # request ids, logs, /metrics, the error reporter: before every other hook
         database, i18n, ratelimit, security,
         conditional,  # ETag and 304 for feeds, calendars, sitemap, exports
         errors, markup, urls,
         jobs,  # the job queue and the mail outbox: before every domain that sends mail
         accounts, idempotency,  # one-time form tokens: after accounts, which turns CSRF checks on
         orgs, library, forum, events, programme, matching, search, site, api, cli)  # fmt: skip


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, instance file, `COVENANT_*` environment, then `overrides` (tests)."""
    app = Flask(
        __name__,
        instance_path=config.instance_path(overrides),
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    config.load(app, overrides)
    for part in PARTS:
        part.init_app(app)
    return app
