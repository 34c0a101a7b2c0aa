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
        membership_views,  # noqa: F401  (routes on the orgs blueprint)
    )
    from covenant_hub.orgs.acting import acting_org
    from covenant_hub.orgs.cli import register_data_commands
    from covenant_hub.orgs.notices import register_describers
    from covenant_hub.orgs.review_views import staff_bp
    from covenant_hub.orgs.stewards import answer_route
    from covenant_hub.orgs.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.add_template_global(acting_org, "acting_org")
    app.add_template_global(answer_route, "answer_route")
    register_describers()
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


def pending_organisation_count() -> int:
    """Self-registered organisations waiting for staff (for the staff desk)."""
    from covenant_hub.orgs.review import pending_organisation_count as count

    return count()


def pending_claim_count() -> int:
    """Requests to join or claim organisations nobody runs, waiting for staff (for the staff desk)."""
    from covenant_hub.orgs.membership import pending_claim_count as count

    return count()
