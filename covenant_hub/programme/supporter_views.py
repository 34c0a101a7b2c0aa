"""Programme pages, part two: a live supporter's services, dashboard and activity log,
suspension, the staff ranking, and official feedback on members."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from covenant_hub.clock import utcnow
from covenant_hub.errors import call_service
from covenant_hub.extensions import db
from covenant_hub.i18n import current_language
from covenant_hub.orgs import services as org_services
from covenant_hub.orgs.models import Organisation
from covenant_hub.orgs.permissions import can_edit_org
from covenant_hub.programme import charts, dashboard, labels, permissions, supporters
from covenant_hub.programme.blueprint import bp
from covenant_hub.programme.forms import (
    ActionForm,
    ActivityForm,
    ConsentForm,
    FeedbackForm,
    ServiceForm,
    SuspendForm,
)
from covenant_hub.programme.models import COMMITMENTS, SupporterService


def _org_or_404(external_id: str) -> Organisation:
    org = org_services.get_org(external_id)
    if org is None:
        abort(404)
    return org


def _supporter_or_404(external_id: str) -> Organisation:
    org = _org_or_404(external_id)
    if org.kind != "supporter":
        abort(404)
    return org


def _back_to_profile(org: Organisation) -> Response:
    return redirect(url_for("orgs.view_profile", external_id=org.external_id))


@bp.route("/supporters/<external_id>/services", methods=["GET", "POST"])
@login_required
def manage_services(external_id: str) -> str | Response:
    org = _supporter_or_404(external_id)
    if not permissions.can_manage_services(current_user, org):
        abort(403)
    form = ServiceForm()
    if form.validate_on_submit() and call_service(supporters.add_service, org, form.to_input()):
        flash(_("The service is listed on your public profile."), "success")
        return redirect(url_for("programme.manage_services", external_id=org.external_id))
    return render_template(
        "programme/services.html",
        org=org,
        form=form,
        services=supporters.services_of(org),
        action_form=ActionForm(),
    )


@bp.route("/services/<id:service_id>/remove", methods=["POST"])
@login_required
def remove_service(service_id: int) -> Response:
    service = db.session.get(SupporterService, service_id) or abort(404)
    org = service.organisation
    if ActionForm().validate_on_submit() and call_service(supporters.remove_service, service):
        flash(_("The service is removed."), "success")
    return redirect(url_for("programme.manage_services", external_id=org.external_id))


def _month_label(key: str) -> str:
    """ "Dec 24" in the reader's language, instead of the bare "24-12" of the month key."""
    year, month = (int(part) for part in key.split("-"))
    return format_date(date(year, month, 1), "LLL yy")


def _dashboard_charts(summary: dashboard.Summary) -> tuple[charts.Chart, charts.Chart]:
    by_commitment = charts.grouped_bars(
        [str(labels.COMMITMENT_SHORT_LABELS[f.commitment]) for f in summary.figures],
        [[f.last_12 for f in summary.figures], [f.last_24 for f in summary.figures]],
        [_("Last 12 months"), _("Last 24 months")],
        height=240,
        label_space=60,
        font_size=14,
    )
    by_month = charts.grouped_bars(
        [_month_label(key) for key, _count in summary.months],
        [[count for _key, count in summary.months]],
        [_("Activities")],
        width=720,
        height=260,
        label_space=70,
        font_size=18,
        label_every=4,
    )
    return by_commitment, by_month


@bp.route("/supporters/<external_id>/dashboard", methods=["GET", "POST"])
@login_required
def show_dashboard(external_id: str) -> str | Response:
    """Activity per commitment over 12 and 24 months, warnings, and the form to log more."""
    org = _supporter_or_404(external_id)
    if not permissions.can_view_dashboard(current_user, org):
        abort(403)
    form = ActivityForm()
    if form.validate_on_submit() and call_service(supporters.log_activity, org, form.to_input()):
        flash(_("The activity is logged."), "success")
        return redirect(url_for("programme.show_dashboard", external_id=org.external_id))
    summary = dashboard.summarise(org, utcnow().date())
    by_commitment, by_month = _dashboard_charts(summary)
    return render_template(
        "programme/dashboard.html",
        org=org,
        form=form,
        summary=summary,
        by_commitment=by_commitment,
        by_month=by_month,
        activities=supporters.recent_activities(org),
        commitments=COMMITMENTS,
        can_edit_profile=can_edit_org(current_user, org),
    )


@bp.route("/supporters/ranking")
@login_required
def show_ranking() -> str:
    if not permissions.can_view_rankings(current_user):
        abort(403)
    return render_template("programme/ranking.html", rows=dashboard.ranking(utcnow().date()))


@bp.route("/supporters/<external_id>/suspension", methods=["GET", "POST"])
@login_required
def suspend_supporter(external_id: str) -> str | Response:
    org = _supporter_or_404(external_id)
    if not permissions.can_suspend_supporter(current_user, org):
        abort(403)
    form = SuspendForm()
    if (
        request.method == "POST"
        and form.validate_on_submit()
        and call_service(supporters.suspend_supporter, org, form.reason.data or "", form.suspended_on.data)
    ):
        flash(_("The supporter is suspended; its people, its members and staff were told."), "success")
        return _back_to_profile(org)
    if not form.is_submitted():
        form.suspended_on.data = utcnow().date()
    return render_template(
        "programme/suspend.html",
        org=org,
        form=form,
        action_form=ActionForm(),
        suspension=supporters.open_suspension(org),
    )


@bp.route("/supporters/<external_id>/reinstate", methods=["POST"])
@login_required
def reinstate_supporter(external_id: str) -> Response:
    org = _supporter_or_404(external_id)
    if ActionForm().validate_on_submit() and call_service(supporters.reinstate_supporter, org):
        flash(_("The supporter is reinstated."), "success")
    return _back_to_profile(org)


@bp.route("/supporters/<external_id>/feedback", methods=["GET", "POST"])
@login_required
def give_feedback(external_id: str) -> str | Response:
    """The supporter's org admins review one of their members."""
    org = _supporter_or_404(external_id)
    if not permissions.can_give_feedback(current_user, org):
        abort(403)
    members = supporters.members_of(org)
    form = FeedbackForm(members=[(m.external_id, m.name) for m in members])
    if form.validate_on_submit():
        member = org_services.get_org(form.member.data or "") or abort(400)
        if call_service(
            supporters.give_feedback,
            org,
            member,
            form.rating_value(),
            form.text.data or "",
            current_language(),
        ):
            flash(_("Your feedback was sent to %(name)s.", name=member.name), "success")
            return redirect(url_for("programme.give_feedback", external_id=org.external_id))
    return render_template("programme/give_feedback.html", org=org, form=form, members=members)


@bp.route("/feedback/<external_id>", methods=["GET", "POST"])
@login_required
def show_feedback(external_id: str) -> str | Response:
    """Every feedback a member received, and its consent toggle for the public profile."""
    member = _org_or_404(external_id)
    if not permissions.can_view_feedback(current_user, member):
        abort(403)
    form = ConsentForm()
    if form.validate_on_submit() and call_service(
        supporters.set_feedback_consent, member, bool(form.public.data)
    ):
        flash(_("Your choice is saved."), "success")
        return redirect(url_for("programme.show_feedback", external_id=member.external_id))
    form.public.data = supporters.feedback_is_public(member)
    return render_template(
        "programme/feedback.html",
        org=member,
        form=form,
        items=supporters.feedback_on(member),
        can_consent=permissions.can_set_feedback_consent(current_user, member),
    )
