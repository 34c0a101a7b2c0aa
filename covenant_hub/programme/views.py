"""Programme pages, part one: the public page, the expression of interest, the application
workflow (review, questions, agreement, signature). Supporter pages are in supporter_views.py.

Applying needs an account: the application is tied to the person who filed it, so they can
follow it, answer staff's questions and become the supporter's first org admin. An anonymous
visitor sees the programme and a link to register or log in that comes back to the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from covenant_hub.errors import call_service
from covenant_hub.extensions import db
from covenant_hub.programme import agreement_files, applications, audit, labels, permissions, publicity
from covenant_hub.programme.audit import NotAllowed, ProgrammeError
from covenant_hub.programme.blueprint import bp
from covenant_hub.programme.forms import (
    AgreementForm,
    AnswerForm,
    ApplicationForm,
    NotesForm,
    QuestionForm,
    ReasonForm,
    RecordAgreementForm,
)
from covenant_hub.programme.models import APPLICATION_STATES, SupporterApplication
from covenant_hub.storage import download
from covenant_hub.vocabularies import country_name, is_country


@bp.route("/")
def show_programme() -> str:
    """What supporters commit to, how to become one, and the live supporters with their services."""
    service_type = request.args.get("service", "")
    if service_type and service_type not in labels.SERVICE_TYPE_LABELS:
        service_type = ""
    return render_template(
        "programme/index.html",
        service_type=service_type,
        supporters=publicity.live_supporters(service_type or None),
    )


def _country_choices() -> list[tuple[str, str]]:
    from babel import Locale

    from covenant_hub.i18n import current_language

    territories = Locale.parse(current_language()).territories
    codes = [code.lower() for code in territories if is_country(code)]
    return sorted(((code, country_name(code)) for code in codes), key=lambda pair: pair[1])


@bp.route("/apply", methods=["GET", "POST"])
@login_required
def apply() -> str | Response:
    """The expression of interest, for the logged-in person (see the module docstring)."""
    own = [
        (m.organisation.id, m.organisation.name) for m in current_user.memberships if m.role == "org_admin"
    ]
    form = ApplicationForm(countries=_country_choices(), own_orgs=own)
    if request.method == "GET":
        form.contact_name.data, form.contact_email.data = current_user.name, current_user.email
    if form.validate_on_submit():
        try:
            application = applications.submit_application(current_user, form.to_input())
        except NotAllowed as error:
            flash(str(error), "error")
        except ProgrammeError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("Thank you: your application is filed. We will e-mail you at each step."), "success")
            return redirect(url_for("programme.show_application", application_id=application.id))
    return render_template("programme/apply.html", form=form)


@bp.route("/applications/mine")
@login_required
def my_applications() -> str:
    return render_template("programme/my_applications.html", items=applications.applications_of(current_user))


@bp.route("/applications")
@login_required
def list_applications() -> str:
    """Staff's review queue, filterable by state."""
    if not permissions.can_review_application(current_user):
        abort(403)
    state = request.args.get("state", "")
    state = state if state in APPLICATION_STATES else ""
    return render_template(
        "programme/applications.html", state=state, items=applications.applications_for_staff(state or None)
    )


def _application_or_404(application_id: int) -> SupporterApplication:
    application = db.session.get(SupporterApplication, application_id)
    if application is None or not permissions.can_view_application(current_user, application):
        abort(404)
    return application


@bp.route("/applications/<id:application_id>")
@login_required
def show_application(application_id: int) -> str:
    application = _application_or_404(application_id)
    trail = audit.trail(application_id=application.id) if permissions.can_view_audit(current_user) else []
    return render_template(
        "programme/application.html",
        application=application,
        trail=trail,
        notes_form=NotesForm(),
        reason_form=ReasonForm(),
        question_form=QuestionForm(),
        answer_form=AnswerForm(),
        agreement_form=AgreementForm(),
        record_form=RecordAgreementForm(),
    )


def _step(
    application_id: int,
    form_class: type,
    step: Callable[..., Any],
    message: str,
    *values: Callable[[Any], Any],
) -> Response:
    """POST a workflow step with the form's values; back to the application page either way."""
    application = _application_or_404(application_id)
    form = form_class()
    if not form.validate_on_submit():
        flash(_("The form could not be read; please try again."), "error")
    elif call_service(step, application, *(value(form) for value in values)):
        flash(message, "success")
    return redirect(url_for("programme.show_application", application_id=application.id))


@bp.route("/applications/<id:application_id>/accept", methods=["POST"])
@login_required
def accept_application(application_id: int) -> Response:
    return _step(
        application_id,
        NotesForm,
        applications.accept_application,
        _("The network is found eligible; the applicant was told."),
        lambda f: f.notes.data or "",
    )


@bp.route("/applications/<id:application_id>/reject", methods=["POST"])
@login_required
def reject_application(application_id: int) -> Response:
    return _step(
        application_id,
        ReasonForm,
        applications.reject_application,
        _("The application is rejected; the applicant was told why."),
        lambda f: f.reason.data or "",
    )


@bp.route("/applications/<id:application_id>/request-info", methods=["POST"])
@login_required
def request_information(application_id: int) -> Response:
    return _step(
        application_id,
        QuestionForm,
        applications.request_information,
        _("Your question was sent to the applicant."),
        lambda f: f.question.data or "",
    )


@bp.route("/applications/<id:application_id>/answer", methods=["POST"])
@login_required
def answer_information(application_id: int) -> Response:
    return _step(
        application_id,
        AnswerForm,
        applications.answer_information,
        _("Thank you: your answer was sent to the reviewers."),
        lambda f: f.answer.data or "",
    )


@bp.route("/applications/<id:application_id>/agreement", methods=["POST"])
@login_required
def complete_agreement(application_id: int) -> Response:
    return _step(
        application_id,
        AgreementForm,
        applications.complete_agreement,
        _("The agreement form is complete; an administrator will record the signature."),
        lambda f: f.acknowledged(),
    )


@bp.route("/applications/<id:application_id>/record", methods=["POST"])
@login_required
def record_agreement(application_id: int) -> Response:
    upload = request.files.get("signed_pdf")
    file_value = (upload.filename or "agreement.pdf", upload.stream) if upload and upload.filename else None
    return _step(
        application_id,
        RecordAgreementForm,
        applications.record_agreement,
        _("The signed agreement is recorded: the supporter is live."),
        lambda f: f.signed_on.data,
        lambda f: f.signatory_name.data or "",
        lambda f: file_value,
    )


@bp.route("/applications/<id:application_id>/agreement.pdf")
@login_required
def download_agreement(application_id: int) -> Response:
    """Always a download with our own name and type, never rendered inline."""
    application = _application_or_404(application_id)
    if not permissions.can_see_agreement_file(current_user, application):
        abort(404)
    stored = agreement_files.open_stored(application) or abort(404)
    return download(stored, "application/pdf", application.agreement_file_name or "agreement.pdf")


@bp.route("/audit")
@login_required
def show_audit() -> str:
    if not permissions.can_view_audit(current_user):
        abort(403)
    return render_template("programme/audit.html", trail=audit.trail())
