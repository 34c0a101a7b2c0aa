"""Staff pages: self-registered organisations to approve, merge or refuse (/staff/organisations)
and requests to join organisations nobody runs (/staff/claims)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from covenant_hub.errors import call_service
from covenant_hub.extensions import db
from covenant_hub.inputs import parse_int
from covenant_hub.orgs import membership, permissions, review
from covenant_hub.orgs.membership_forms import DecideForm, MergeForm, PlainForm, RefuseForm
from covenant_hub.orgs.models import Organisation
from covenant_hub.orgs.views import _labels

staff_bp = Blueprint("orgs_staff", __name__, url_prefix="/staff")
staff_bp.context_processor(_labels)


def _staff_only() -> None:
    if not permissions.can_review_organisations(current_user):
        abort(403)


@staff_bp.route("/organisations")
@login_required
def list_organisations() -> str:
    """Pending organisations, each with its likely duplicates."""
    _staff_only()
    items = [(org, review.duplicates_of(org)) for org in review.pending_organisations()]
    return render_template(
        "orgs/staff_organisations.html",
        items=items,
        plain_form=PlainForm(),
        refuse_form=RefuseForm(),
        merge_form=MergeForm(),
    )


def _pending_org(org_id: int) -> Organisation:
    _staff_only()
    return db.session.get(Organisation, org_id) or abort(404)


@staff_bp.route("/organisations/<id:org_id>/approve", methods=["POST"])
@login_required
def approve_organisation(org_id: int) -> Response:
    org = _pending_org(org_id)
    if PlainForm().validate_on_submit() and call_service(review.approve, org):
        flash(_("%(name)s is now in the directory.", name=org.name), "success")
    return redirect(url_for("orgs_staff.list_organisations"))


@staff_bp.route("/organisations/<id:org_id>/refuse", methods=["POST"])
@login_required
def refuse_organisation(org_id: int) -> Response:
    org = _pending_org(org_id)
    form = RefuseForm()
    if not form.validate_on_submit():
        flash(_("Say why the organisation is refused."), "error")
    elif call_service(review.refuse, org, form.reason.data):
        flash(_("The organisation was refused; its creator was told why."), "success")
    return redirect(url_for("orgs_staff.list_organisations"))


@staff_bp.route("/organisations/<id:org_id>/merge", methods=["POST"])
@login_required
def merge_organisation(org_id: int) -> Response:
    org = _pending_org(org_id)
    form = MergeForm()
    into_id = parse_int(form.into.data)
    into = db.session.get(Organisation, into_id) if into_id is not None else None
    if form.validate_on_submit() and call_service(review.merge, org, into):
        flash(_("The organisation was merged into %(name)s.", name=into.name), "success")
    return redirect(url_for("orgs_staff.list_organisations"))


@staff_bp.route("/claims")
@login_required
def list_claims() -> str:
    """Requests to join or claim organisations without an active admin."""
    _staff_only()
    return render_template("orgs/staff_claims.html", items=membership.staff_queue(), form=DecideForm())
