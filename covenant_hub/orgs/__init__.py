"""Organisations: profiles, directory, links, membership, import and export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from covenant_hub.accounts.models import User
    from covenant_hub.accounts.services import NewOrganisation


def init_app(app: Flask) -> None:
    """Mount the directory and profile pages and the data commands."""
    from covenant_hub.accounts.services import registering_organisation
    from covenant_hub.orgs import (
        export_views,  # noqa: F401  (routes on the orgs blueprint)
        interchange,  # noqa: F401  (registers the org file handlers)
    )
    from covenant_hub.orgs.cli import register_data_commands
    from covenant_hub.orgs.views import bp

    app.register_blueprint(bp)
    register_data_commands(app)
    registering_organisation.connect(_create_registered_organisation)
    from covenant_hub.orgs.contact import register_describers

    register_describers()


def _create_registered_organisation(user: User, organisation: NewOrganisation) -> None:
    """An account registered with its organisation: create it, with the person as its org admin."""
    from covenant_hub.orgs.services import create_member_organisation

    create_member_organisation(
        user, name=organisation.name, kind=organisation.kind, country=organisation.country
    )
