"""Organisations: profiles, directory, links, membership, import and export."""
from __future__ import annotations

from flask import Flask


def register_orgs(app: Flask) -> None:
    """Mount the directory and profile pages and the data commands."""
    from covenant_hub.orgs.views import bp

    app.register_blueprint(bp)
