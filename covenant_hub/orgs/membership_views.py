"""Pages for joining and claiming an organisation, deciding requests, managing members, and the
header's switch of the acting organisation. Rules live in membership.py and permissions.py."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from covenant_hub.errors import call_service
from covenant_hub.extensions import db
from covenant_hub.files import ALLOWED_TYPES
from covenant_hub.inputs import parse_int
from covenant_hub.orgs import membership, permissions, stewards
from covenant_hub.orgs.acting import set_acting_org
from covenant_hub.orgs.membership_forms import ActingForm, DecideForm, JoinForm, PlainForm, RoleForm
from covenant_hub.orgs.models import MembershipRequest, OrgAuditEntry
from covenant_hub.orgs.views import _org_or_404, bp
from covenant_hub.storage import download
from covenant_hub.urls import safe_next_url


def _route_context(org: Any) -> dict[str, Any]:
    """Who a request would go to, said on the page before anyone sends it."""
    route = stewards.route_for(org.id)
    return {"route": route, "stewards": stewards.steward_orgs(org.id) if route == "stewards" else []}


@bp.route("/<external_id>/join", methods=["GET", "POST"])
@login_required
def join_org(external_id: str) -> str | Response:
    """Ask to join, or claim the profile with evidence."""
    org = _org_or_404(external_id)
    if not permissions.can_request_membership(current_user, org):
        abort(403)
    form = JoinForm()
    if request.method == "GET" and request.args.get("role") == "org_admin":
        form.role.data = "org_admin"
    upload = request.files.get("document")
    document = (upload.filename or "", upload.stream) if upload and upload.filename else None
    if form.validate_on_submit() and call_service(
        membership.request_membership, org, form.role.data, form.message.data, document
    ):
        flash(_("Your request was sent."), "success")
        return redirect(url_for("orgs.view_profile", external_id=org.external_id))
    return render_template(
        "orgs/join.html",
        org=org,
        form=form,
        on_domain=membership.email_on_domain(current_user, org),
        **_route_context(org),
    )


@bp.route("/<external_id>/requests")
@login_required
def list_requests(external_id: str) -> str:
    """The requests waiting on this organisation, for whoever decides them."""
    org = _org_or_404(external_id)
    if not permissions.can_decide_membership(current_user, org):
        abort(403)
    return render_template(
        "orgs/requests.html", org=org, items=membership.pending_requests(org), form=DecideForm()
    )


def _request_or_404(request_id: int) -> MembershipRequest:
    return db.session.get(MembershipRequest, request_id) or abort(404)


@bp.route("/requests/<id:request_id>/decide", methods=["POST"])
@login_required
def decide_request(request_id: int) -> Response:
    item = _request_or_404(request_id)
    form = DecideForm()
    if not form.validate_on_submit() or form.decision.data not in ("accept", "refuse"):
        abort(400)
    if call_service(membership.decide, item, form.decision.data == "accept", form.reason.data):
        flash(_("The request was answered."), "success")
    fallback = url_for("orgs.list_requests", external_id=item.organisation.external_id)
    target = safe_next_url(request.form.get("next"))
    return redirect(fallback if target == "/" else target)


EVIDENCE_TYPES = {extension: content_type for content_type, extension in ALLOWED_TYPES.items()}


@bp.route("/requests/<id:request_id>/evidence")
@login_required
def download_evidence(request_id: int) -> Response:
    """A claim's document, for those who decide it; always as a download."""
    item = _request_or_404(request_id)
    if not permissions.can_decide_membership(current_user, item.organisation):
        abort(403)
    stored = membership.open_evidence(item)
    if stored is None:
        abort(404)
    mimetype = EVIDENCE_TYPES.get((item.evidence_file or "").rsplit(".", 1)[-1], "application/octet-stream")
    return download(stored, mimetype, item.evidence_name or item.evidence_file)


@bp.route("/<external_id>/members")
@login_required
def list_members(external_id: str) -> str:
    """The organisation's people and roles, with its log, for its admins and staff."""
    org = _org_or_404(external_id)
    if not permissions.can_manage_members(current_user, org):
        abort(403)
    log = db.session.scalars(
        select(OrgAuditEntry)
        .where(OrgAuditEntry.org_id == org.id)
        .order_by(OrgAuditEntry.id.desc())
        .limit(100)
    )
    return render_template(
        "orgs/members.html",
        org=org,
        members=membership.members_of(org),
        log=list(log),
        role_form=RoleForm(),
        plain_form=PlainForm(),
        pending=len(membership.pending_requests(org)),
    )


@bp.route("/<external_id>/members/<id:user_id>/role", methods=["POST"])
@login_required
def change_role(external_id: str, user_id: int) -> Response:
    org = _org_or_404(external_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    if call_service(membership.set_role, org, user_id, form.role.data):
        flash(_("The role was changed."), "success")
    return redirect(url_for("orgs.list_members", external_id=org.external_id))


@bp.route("/<external_id>/members/<id:user_id>/remove", methods=["POST"])
@login_required
def remove_member(external_id: str, user_id: int) -> Response:
    """An admin removes someone, or a person leaves (their own id)."""
    org = _org_or_404(external_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    leaving = user_id == current_user.id
    if call_service(membership.remove_member, org, user_id):
        flash(_("You left the organisation.") if leaving else _("The member was removed."), "success")
        if leaving:
            return redirect(url_for("orgs.view_profile", external_id=org.external_id))
    return redirect(url_for("orgs.list_members", external_id=org.external_id))


@bp.route("/acting", methods=["POST"])
@login_required
def switch_acting() -> Response:
    """The header's switcher: act for another of the person's organisations."""
    form = ActingForm()
    org_id = form.org_id.data if form.validate_on_submit() else None
    number = parse_int(org_id)
    org = set_acting_org(current_user, number) if number is not None else None
    if org is None:
        flash(_("You can only act for an organisation you belong to."), "error")
    else:
        flash(_("You now act for %(name)s.", name=org.name), "success")
    return redirect(safe_next_url(form.next.data))
