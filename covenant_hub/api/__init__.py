"""The versioned JSON API over the other domains' services."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def register_api(app: Flask) -> None:
    """Mount /api/v1: personal tokens or the session authenticate it (see `auth`)."""
    from covenant_hub.api import (
        auth,  # noqa: F401  (tokens, CSRF and limits for every route on bp)
        groups,  # noqa: F401  (groups and threads)
        matching,  # noqa: F401  (match requests, recommendations)
        orgs,  # noqa: F401  (registers routes on bp)
        practices,  # noqa: F401
        search,  # noqa: F401  (full-text search)
    )

    app.register_blueprint(bp)
