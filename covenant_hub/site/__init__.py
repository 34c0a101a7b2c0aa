"""Site-wide pages: home, language switcher, about the data."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the site pages."""
    from covenant_hub.site.views import bp

    app.register_blueprint(bp)
