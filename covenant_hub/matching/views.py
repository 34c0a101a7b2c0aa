"""Pages of the match-request workflow. Logic lives in workflow.py and queries.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from covenant_hub.extensions import db, login_manager
from covenant_hub.forms import as_choices
from covenant_hub.matching import permissions as perm
from covenant_hub.matching import queries, workflow
from covenant_hub.matching.forms import AnswerForm, InviteForm, OutcomeForm, RefreshForm, RequestForm
from covenant_hub.matching.models import Invitation, MatchRequest
from covenant_hub.orgs import labels, services
from covenant_hub.orgs.acting import ordered_choices
from covenant_hub.orgs.forms import split_codes
from covenant_hub.orgs.models import Organisation
from covenant_hub.orgs.stewards import orgs_spoken_for

bp = Blueprint("matching", __name__, url_prefix="/matching")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"labels": labels, "perm": perm}


def _refuse() -> Any:
    """Anonymous visitors are asked to log in; logged-in people without the right get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    abort(403)


def _org(external_id: str) -> Organisation:
    return services.get_org(external_id) or abort(404)


def _request(request_id: int) -> MatchRequest:
    return db.session.get(MatchRequest, request_id) or abort(404)


def _invitation(invitation_id: int) -> Invitation:
    return db.session.get(Invitation, invitation_id) or abort(404)


@bp.route("/")
def overview() -> Any:
    """The requests and incoming invitations of the organisations this person administers."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    admin_ids = perm.admin_org_ids(current_user)
    org_ids = sorted(admin_ids)
    orgs = ordered_choices(current_user, [db.session.get(Organisation, oid) for oid in org_ids])
    answered_for = sorted(admin_ids | orgs_spoken_for(admin_ids))
    return render_template(
        "matching/overview.html",
        orgs=orgs,
        requests=queries.requests_of(org_ids),
        invitations=queries.incoming_invitations(answered_for),
    )


@bp.route("/orgs/<external_id>/requests/new", methods=["GET", "POST"])
def new_request(external_id: str) -> Any:
    org = _org(external_id)
    if not perm.can_file_request(current_user, org):
        return _refuse()
    form = RequestForm()
    if form.validate_on_submit():
        data = workflow.RequestInput(
            form.text.data,
            form.kinds.data,
            form.sectors.data,
            split_codes(form.languages.data),
            form.max_km.data,
        )
        try:
            request = workflow.file_request(org, current_user, data)
        except workflow.NotAllowed:
            return _refuse()
        except workflow.WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(_("Your request is filed. Here are the organisations that could help."), "success")
            return redirect(url_for("matching.view_request", request_id=request.id))
    elif not form.is_submitted():
        form.languages.data = ", ".join(org.languages or [])
        form.sectors.data = list(org.sectors or [])
    return render_template("matching/new_request.html", org=org, form=form)


@bp.route("/requests/<id:request_id>")
def view_request(request_id: int) -> Any:
    request = _request(request_id)
    if not perm.can_view_request(current_user, request):
        return _refuse()
    form = InviteForm()
    return render_template(
        "matching/request.html",
        request_=request,
        rows=queries.proposal_rows(request),
        picture=queries.network_picture(request),
        form=form,
        refresh_form=RefreshForm(),
    )


@bp.route("/requests/<id:request_id>/refresh", methods=["POST"])
def refresh_proposals(request_id: int) -> Response:
    request = _request(request_id)
    if RefreshForm().validate_on_submit():
        try:
            workflow.refresh_proposals(request, current_user)
        except workflow.NotAllowed:
            return _refuse()
        flash(_("The proposals were refreshed."), "success")
    return redirect(url_for("matching.view_request", request_id=request.id))


@bp.route("/requests/<id:request_id>/close", methods=["POST"])
def close_request(request_id: int) -> Response:
    request = _request(request_id)
    if RefreshForm().validate_on_submit():
        try:
            workflow.close_request(request, current_user)
        except workflow.NotAllowed:
            return _refuse()
        flash(_("The request is closed."), "success")
    return redirect(url_for("matching.view_request", request_id=request.id))


@bp.route("/requests/<id:request_id>/invite", methods=["POST"])
def send_invitations(request_id: int) -> Any:
    request = _request(request_id)
    form = InviteForm()
    form.candidates.choices = as_choices((p.candidate_id, p.candidate.name) for p in request.proposals)
    if not form.validate_on_submit():
        flash(_("Choose at least one proposal to invite."), "error")
        return redirect(url_for("matching.view_request", request_id=request.id))
    try:
        created = workflow.invite(request, current_user, form.candidates.data, form.message.data)
    except workflow.NotAllowed:
        return _refuse()
    except workflow.WorkflowError as error:
        flash(str(error), "error")
    else:
        flash(ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", len(created)), "success")
    return redirect(url_for("matching.view_request", request_id=request.id))


def _outcome_form(invitation: Invitation) -> OutcomeForm:
    form = OutcomeForm()
    sides = [invitation.request.org, invitation.invitee]
    form.org.choices = as_choices((o.id, o.name) for o in sides if perm.is_org_admin(current_user, o.id))
    form.practice.choices = as_choices(queries.practice_choices())
    return form


@bp.route("/invitations/<id:invitation_id>")
def view_invitation(invitation_id: int) -> Any:
    invitation = _invitation(invitation_id)
    if not perm.can_view_invitation(current_user, invitation):
        return _refuse()
    return render_template(
        "matching/invitation.html",
        invitation=invitation,
        answer_form=AnswerForm(),
        outcome_form=_outcome_form(invitation),
    )


@bp.route("/invitations/<id:invitation_id>/answer", methods=["POST"])
def answer_invitation(invitation_id: int) -> Response:
    invitation = _invitation(invitation_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            workflow.answer(invitation, current_user, bool(form.accept.data), form.message.data)
        except workflow.NotAllowed:
            return _refuse()
        except workflow.WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(
                _("Invitation accepted: you are now exchange partners.")
                if invitation.state == "accepted"
                else _("Invitation declined."),
                "success",
            )
    return redirect(url_for("matching.view_invitation", invitation_id=invitation.id))


@bp.route("/invitations/<id:invitation_id>/outcome", methods=["POST"])
def record_outcome(invitation_id: int) -> Response:
    invitation = _invitation(invitation_id)
    # The form offers only the sides the person administers: without the right it cannot even
    # validate, so refuse first, as the service would.
    if not perm.can_record_outcome(current_user, invitation):
        return _refuse()
    form = _outcome_form(invitation)
    if form.validate_on_submit():
        try:
            workflow.record_outcome(
                invitation, current_user, form.org.data, form.learned.data, form.practice_id()
            )
        except workflow.NotAllowed:
            return _refuse()
        except workflow.WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(_("The outcome is recorded. Thank you."), "success")
    else:
        flash(_("The outcome could not be recorded: check the form."), "error")
    return redirect(url_for("matching.view_invitation", invitation_id=invitation.id))


@bp.route("/staff")
def staff_overview() -> Any:
    if not perm.can_view_staff_list(current_user):
        return _refuse()
    return render_template(
        "matching/staff.html", requests=queries.all_requests(), exchanges=queries.all_exchanges()
    )


@bp.route("/orgs/<external_id>/recommendations")
def view_recommendations(external_id: str) -> Any:
    """ "Who could help": the engine's top lists for an organisation, for its members."""
    org = _org(external_id)
    if not perm.can_view_recommendations(current_user, org):
        return _refuse()
    return render_template(
        "matching/recommendations.html",
        org=org,
        lists=queries.recommendation_lists(org),
        requests=queries.requests_of([org.id]) if perm.can_file_request(current_user, org) else [],
    )


def _profile_section(org: Organisation) -> dict[str, Any]:
    """What the profile page's matching include shows this visitor (reads only)."""
    return {
        "can_recommend": perm.can_view_recommendations(current_user, org),
        "can_file": perm.can_file_request(current_user, org),
        "exchanges": [i for i in queries.exchanges_of(org.id) if perm.can_view_invitation(current_user, i)],
        "outcomes": queries.public_outcomes_of(org.id),
    }


def register_matching_web(app: Any) -> None:
    """Mount the pages, word the notifications and offer the profile include its data."""
    from covenant_hub.matching.notices import register_describers

    register_describers()
    app.register_blueprint(bp)
    app.context_processor(lambda: {"matching_profile": _profile_section})
