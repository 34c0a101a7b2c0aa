"""Covenant Hub: the application factory."""
from __future__ import annotations

from typing import Any

from flask import Flask

from covenant_hub.config import PROJECT_ROOT


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, instance file, `COVENANT_*` environment, then `config` (tests)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from covenant_hub import settings

    settings.load(app, config)

    from covenant_hub import conditional, database, errors, i18n, idempotency, markup, ratelimit, security
    from covenant_hub.accounts import register_accounts
    from covenant_hub.api import register_api
    from covenant_hub.events import register_events
    from covenant_hub.forum import register_forum
    from covenant_hub.library import register_library
    from covenant_hub.matching.cli import register_matching
    from covenant_hub.orgs import register_orgs
    from covenant_hub.programme import register_programme
    from covenant_hub.search import register_search
    from covenant_hub.site import register_site

    database.register_database(app)
    i18n.register_i18n(app)
    ratelimit.register_rate_limits(app)
    security.register_security(app)
    conditional.register_conditional_get(app)  # ETag and 304 for feeds, calendars, sitemap, exports
    errors.register_error_pages(app)
    markup.register_markup(app)  # the |markdown filter: library, forum and events pages use it
    register_accounts(app)
    idempotency.register_idempotency(app)  # after accounts, which turns CSRF checks on
    register_orgs(app)
    register_library(app)
    register_forum(app)
    register_site(app)
    register_api(app)
    register_events(app)
    register_programme(app)
    register_matching(app)
    register_search(app)
    from covenant_hub.urls import register_urls

    register_urls(app)
    return app
