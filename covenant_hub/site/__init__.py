"""Site-wide pages: home, language switcher, about the data."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the site pages."""
    from covenant_hub.site.permissions import can_view_staff_desk
    from covenant_hub.site.views import bp

    app.register_blueprint(bp)
    app.add_template_global(can_view_staff_desk)
