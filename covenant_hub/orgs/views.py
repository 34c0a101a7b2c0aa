"""Directory, profile and profile editing pages. Queries live in directory.py and services.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from covenant_hub.errors import call_service, error_response
from covenant_hub.inputs import page_arg
from covenant_hub.orgs import contact, labels, maps, services
from covenant_hub.orgs.directory import POPULATION_BANDS, InvalidQuery, parse_query, search_directory
from covenant_hub.orgs.forms import ContactForm, ProfileForm, split_codes
from covenant_hub.orgs.models import ORG_KINDS, ORG_STATUSES, Organisation
from covenant_hub.orgs.permissions import (
    can_contact_org,
    can_decide_membership,
    can_edit_org,
    can_request_membership,
    can_view_org,
    org_role,
)
from covenant_hub.vocabularies import country_name

bp = Blueprint("orgs", __name__, url_prefix="/orgs")
MAX_PER_PAGE = 100


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "labels": labels,
        "can_edit_org": can_edit_org,
        "can_request_membership": can_request_membership,
        "can_decide_membership": can_decide_membership,
        "org_role": org_role,
        "can_contact_org": can_contact_org,
        "org_number": format_decimal,
        "org_date": format_date,
    }


@bp.route("/")
def directory() -> Any:
    """Filterable, sortable, paginated list of every organisation."""
    try:
        query = parse_query(request.args, current_app.config["ORGS_PER_PAGE"], MAX_PER_PAGE)
    except InvalidQuery as error:
        return error_response(400, _("This filter cannot be used: %(problem)s", problem=str(error)))
    world_map, located = maps.directory_map(query)
    return render_template(
        "orgs/directory.html",
        result=search_directory(query),
        world_map=world_map,
        located=located,
        query=query,
        kinds=ORG_KINDS,
        statuses=ORG_STATUSES,
        bands=POPULATION_BANDS,
        countries=_country_choices(),
    )


def _country_choices() -> list[tuple[str, str]]:
    """(code, name in the page's language), sorted by name."""
    named = ((code, country_name(code)) for code in services.countries_in_directory())
    return sorted(named, key=lambda pair: pair[1])


def _org_or_404(external_id: str) -> Organisation:
    org = services.get_org(external_id)
    if org is None:
        abort(404)
    return org


@bp.route("/<external_id>")
def view_profile(external_id: str) -> str:
    """A profile with its networks, partners and (for networks) a page of members."""
    org = _org_or_404(external_id)
    if not can_view_org(current_user, org):
        abort(403)
    page_number = page_arg()
    per_page = current_app.config["ORGS_PER_PAGE"]
    members, member_total = services.member_page(org, page_number, per_page)
    networks, partners = services.networks_of(org), services.partners_of(org)
    related = [link.org for link in [*members, *networks, *partners]]
    return render_template(
        "orgs/profile.html",
        org=org,
        members=members,
        member_total=member_total,
        page=page_number,
        pages=max(1, -(-member_total // per_page)),
        networks=networks,
        partners=partners,
        world_map=maps.profile_map(org, related),
        membership_waiting=_waiting(org),
        source=services.data_source(org),
        contact_form=ContactForm(),
        has_admins=contact.has_admins(org),
    )


def _waiting(org: Organisation) -> int:
    from covenant_hub.orgs.membership import pending_requests

    return len(pending_requests(org)) if can_decide_membership(current_user, org) else 0


@bp.route("/<external_id>/contact", methods=["POST"])
@login_required
def contact_org(external_id: str) -> Response:
    """A message from the profile to the organisation's admins (or staff when it has none)."""
    org = _org_or_404(external_id)
    form = ContactForm()
    if not form.validate_on_submit():
        flash(_("Write a subject and a message (at most 150 and 4,000 characters)."), "error")
    else:
        sent = call_service(contact.send_message, org, form.subject.data or "", form.message.data or "")
        if sent and sent.value.to_staff:
            flash(_("Your message was sent to the staff, who will pass it on."), "success")
        elif sent:
            flash(_("Your message was sent to the organisation's administrators."), "success")
    return redirect(url_for("orgs.view_profile", external_id=org.external_id, _anchor="contact"))


@bp.route("/<external_id>/edit", methods=["GET", "POST"])
def edit_profile(external_id: str) -> str | Response:
    """Org admins, staff and admins change what the organisation says about itself."""
    org = _org_or_404(external_id)
    if not can_edit_org(current_user, org):
        abort(403)
    form = ProfileForm(obj=org if request.method == "GET" else None)
    if request.method == "GET":
        form.languages.data = ", ".join(org.languages or [])
    if form.validate_on_submit() and call_service(
        services.update_profile,
        org,
        services.ProfileChanges(
            description=form.description.data,
            needs=form.needs.data,
            offers=form.offers.data,
            sectors=list(form.sectors.data or []),
            languages=split_codes(form.languages.data),
            website=form.website.data,
        ),
    ):
        flash(_("The profile was saved."), "success")
        return redirect(url_for("orgs.view_profile", external_id=org.external_id))
    return render_template("orgs/edit.html", org=org, form=form)
