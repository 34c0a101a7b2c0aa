"""The versioned JSON API over the other domains' services."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount /api/v1. Writes keep CSRF protection: browsers send the token as X-CSRFToken."""
    from covenant_hub.api import (
        groups,  # noqa: F401  (groups and threads)
        matching,  # noqa: F401  (match requests, recommendations)
        orgs,  # noqa: F401  (registers routes on bp)
        practices,  # noqa: F401
        search,  # noqa: F401  (full-text search)
    )
    from covenant_hub.api.blueprint import bp

    app.register_blueprint(bp)
