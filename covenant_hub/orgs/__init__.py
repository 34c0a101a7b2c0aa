"""Organisations: profiles, directory, links, membership, import and export."""
from __future__ import annotations

from flask import Flask


def register_orgs(app: Flask) -> None:
    """Mount the directory and profile pages and the data commands."""
    from covenant_hub.orgs import (
        export_views,  # noqa: F401  (routes on the orgs blueprint)
        interchange,  # noqa: F401  (registers the org file handlers)
    )
    from covenant_hub.orgs.cli import register_data_commands
    from covenant_hub.orgs.views import bp

    app.register_blueprint(bp)
    register_data_commands(app)
