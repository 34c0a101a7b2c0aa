"""The versioned JSON API over the other domains' services, described by OpenAPI 3.1."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount /api/v1 and /api/docs: personal tokens or the session authenticate it (see `auth`;
    cookie writes keep CSRF protection, header X-CSRFToken)."""
    from covenant_hub.api import (
        auth,  # noqa: F401  (tokens, CSRF and limits for every route on bp)
        events,  # noqa: F401  (events and news)
        groups,  # noqa: F401  (groups, threads and posts)
        matching,  # noqa: F401  (match requests, proposals, invitations, recommendations)
        orgs,  # noqa: F401  (registers routes on bp)
        practices,  # noqa: F401
        search,  # noqa: F401  (full-text search)
        spec,  # noqa: F401  (GET /api/v1/openapi.json)
        supporters,  # noqa: F401  (supporters' services)
    )
    from covenant_hub.api.blueprint import bp
    from covenant_hub.api.docs import docs_bp

    app.register_blueprint(bp)
    app.register_blueprint(docs_bp)
