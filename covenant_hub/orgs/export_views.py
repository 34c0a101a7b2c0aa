"""The directory (with the filters the page shows) and a network's members as CSV and XLSX."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from covenant_hub.errors import error_response
from covenant_hub.exports import MAX_ROWS, Table, export_response
from covenant_hub.orgs import labels, services
from covenant_hub.orgs.directory import InvalidQuery, parse_query, search_directory
from covenant_hub.orgs.models import Organisation
from covenant_hub.orgs.permissions import can_view_org
from covenant_hub.orgs.views import MAX_PER_PAGE, bp
from covenant_hub.urls import public_url


def _columns() -> list[str]:
    return [
        _("Identifier"),
        _("Name"),
        _("Kind"),
        _("Status"),
        _("Country"),
        _("City"),
        _("Population"),
        _("Joined"),
        _("Sectors"),
        _("Languages"),
        _("Website"),
        _("Profile"),
    ]


def _row(org: Organisation) -> list[Any]:
    return [
        org.external_id, org.name, labels.label(labels.KIND_LABELS, org.kind),
        labels.label(labels.STATUS_LABELS, org.status) if org.status else None,
        labels.country_name(org.country) if org.country else None, org.city, org.population, org.joined,
        [labels.label(labels.SECTOR_LABELS, code) for code in org.sectors or []],
        [labels.language_name(code) for code in org.languages or []], org.website,
        public_url("orgs.view_profile", external_id=org.external_id),
    ]  # fmt: skip


@bp.route("/export.<fmt>")
def export_directory(fmt: str) -> Any:
    """Every organisation the directory's current filters (and sort) select, up to MAX_ROWS."""
    try:
        query = parse_query(request.args, current_app.config["ORGS_PER_PAGE"], MAX_PER_PAGE)
    except InvalidQuery as error:
        return error_response(400, _("This filter cannot be used: %(problem)s", problem=str(error)))
    result = search_directory(replace(query, page=1, per_page=MAX_ROWS))
    table = Table(_("Directory"), _columns(), [_row(org) for org in result.items])
    return export_response(table, fmt, "covenant-hub-directory")


@bp.route("/<external_id>/members.<fmt>")
def export_members(external_id: str, fmt: str) -> Response:
    """A supporter's or coordinator's members, as listed on its profile, with since and topic."""
    org = services.get_org(external_id)
    if org is None:
        abort(404)
    if not can_view_org(current_user, org):
        abort(403)
    members, _total = services.member_page(org, 1, MAX_ROWS)
    columns = [*_columns(), _("Member since"), _("Topic")]
    rows = [[*_row(link.org), link.since, link.topic] for link in members]
    return export_response(Table(_("Members"), columns, rows), fmt, f"{org.external_id}-members")
