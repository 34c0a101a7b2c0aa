"""Library pages: list, practice page, editor with preview, workflow buttons, review queue, files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from covenant_hub.errors import call_service
from covenant_hub.extensions import db
from covenant_hub.i18n import current_language
from covenant_hub.inputs import int_arg, json_object, page_arg, text_field
from covenant_hub.library import attachments, permissions, queries, services
from covenant_hub.library.forms import (
    ActionForm,
    AttachmentForm,
    PracticeForm,
    SendBackForm,
    as_choices,
)
from covenant_hub.library.models import Attachment, Practice
from covenant_hub.library.page import practice_page_context, signatory_form_for
from covenant_hub.markup import render_markdown
from covenant_hub.orgs.acting import acting_org_id, ordered_choices
from covenant_hub.orgs.models import Organisation
from covenant_hub.storage import download

bp = Blueprint("library", __name__, url_prefix="/practices")


def _practice_or_404(practice_id: int) -> Practice:
    practice = db.session.get(Practice, practice_id, options=queries.PAGE_LOADING)
    if practice is None or not permissions.can_view_practice(current_user, practice):
        abort(404)
    return practice


@bp.route("/")
def list_practices() -> str:
    """Published practices with filters and sorts; `mine=1` adds the user's organisations' drafts."""
    filters = queries.PracticeFilters.from_args(request.args)
    page = page_arg()
    pagination = queries.list_practices(
        current_user, filters, page, current_app.config["LIBRARY_PER_PAGE"], current_language()
    )
    return render_template(
        "library/list.html",
        pagination=pagination,
        filters=filters,
        can_review=permissions.can_see_review_queue(current_user),
        country_choices=queries.practice_countries(),
    )


@bp.route("/<id:practice_id>")
def show_practice(practice_id: int) -> str:
    practice = _practice_or_404(practice_id)
    return render_template("library/show.html", **practice_page_context(current_user, practice))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_practice() -> str | Response:
    """Start a draft for one of the user's organisations (or a translation of a practice)."""
    source = None
    translation_of = int_arg("translation_of", source=request.values)
    if translation_of is not None:
        source = _practice_or_404(translation_of)
    form = PracticeForm(obj=None)
    orgs = ordered_choices(current_user, [m.organisation for m in current_user.memberships])
    form.org_id.choices = as_choices([(org.id, org.name) for org in orgs])
    if request.method == "GET":
        form.language.data = current_language()
        form.org_id.data = acting_org_id(current_user)
        if source is not None:
            _prefill_translation(form, source)
    if form.validate_on_submit():
        org = db.session.get(Organisation, form.org_id.data) or abort(400)
        data = form.to_input()
        data.translation_of = source
        try:
            practice = services.create_practice(current_user, org, data)
        except services.NotAllowed:
            abort(403)
        except services.LibraryError as error:
            flash(str(error), "error")
        else:
            flash(_("Draft saved. Submit it for review when it is ready."), "success")
            return redirect(url_for("library.show_practice", practice_id=practice.id))
    return render_template("library/form.html", form=form, practice=None, source=source)


def _prefill_translation(form: PracticeForm, source: Practice) -> None:
    form.org_id.data = source.org_id
    form.sectors.data = list(source.sectors)
    form.tags.data = ", ".join(source.tags)
    for name in ("co2_t_per_year", "energy_mwh_per_year", "renewable_mwh_per_year", "cost_eur", "jobs"):
        getattr(form, name).data = getattr(source, name)
    form.translation_of.data = str(source.id)


@bp.route("/<id:practice_id>/edit", methods=["GET", "POST"])
@login_required
def edit_practice(practice_id: int) -> str | Response:
    practice = _practice_or_404(practice_id)
    if not permissions.can_edit_practice(current_user, practice):
        abort(403)
    form = PracticeForm(obj=practice)
    del form.org_id
    if request.method == "GET":
        form.tags.data = ", ".join(practice.tags)
    if form.validate_on_submit() and call_service(services.update_practice, practice, form.to_input()):
        flash(_("Changes saved."), "success")
        return redirect(url_for("library.show_practice", practice_id=practice.id))
    return render_template("library/form.html", form=form, practice=practice, source=None)


def _step_view(step: Callable[..., Any], message: str, practice_id: int) -> Response:
    practice = _practice_or_404(practice_id)
    if ActionForm().validate_on_submit() and call_service(step, practice):
        flash(message, "success")
    return redirect(url_for("library.show_practice", practice_id=practice.id))


@bp.route("/<id:practice_id>/submit", methods=["POST"])
@login_required
def submit_practice(practice_id: int) -> Response:
    return _step_view(services.submit_practice, _("Submitted for review."), practice_id)


@bp.route("/<id:practice_id>/publish", methods=["POST"])
@login_required
def publish_practice(practice_id: int) -> Response:
    return _step_view(services.publish_practice, _("The practice is published."), practice_id)


@bp.route("/<id:practice_id>/archive", methods=["POST"])
@login_required
def archive_practice(practice_id: int) -> Response:
    return _step_view(services.archive_practice, _("The practice is archived."), practice_id)


@bp.route("/<id:practice_id>/send-back", methods=["POST"])
@login_required
def send_back_practice(practice_id: int) -> Response:
    practice = _practice_or_404(practice_id)
    form = SendBackForm()
    reason = form.reason.data if form.validate_on_submit() else ""
    if form.is_submitted() and call_service(services.send_back_practice, practice, reason or ""):
        flash(_("Sent back to the authors with your reason."), "success")
    return redirect(
        request.form.get("next") == "review"
        and url_for("library.review_queue")
        or url_for("library.show_practice", practice_id=practice.id)
    )


@bp.route("/<id:practice_id>/signatories", methods=["POST"])
@login_required
def link_signatory(practice_id: int) -> Response:
    practice = _practice_or_404(practice_id)
    form = signatory_form_for(current_user, practice)
    if form is None:
        abort(403)
    if form.validate_on_submit():
        org = db.session.get(Organisation, form.org.data) or abort(400)
        if call_service(services.link_signatory, practice, org):
            flash(_("%(name)s is now listed as involved.", name=org.name), "success")
    else:
        flash(_("Choose an organisation from the list."), "error")
    return redirect(url_for("library.show_practice", practice_id=practice.id))


@bp.route("/review")
@login_required
def review_queue() -> str:
    if not permissions.can_see_review_queue(current_user):
        abort(403)
    return render_template(
        "library/review.html",
        practices=queries.review_queue(current_user),
        action_form=ActionForm(),
        send_back_form=SendBackForm(),
    )


@bp.route("/<id:practice_id>/attachments", methods=["POST"])
@login_required
def add_attachment(practice_id: int) -> Response:
    practice = _practice_or_404(practice_id)
    limit = int(current_app.config["ATTACHMENT_MAX_BYTES"])
    if (request.content_length or 0) > limit + 64 * 1024:  # refuse before reading the body
        abort(413)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        if call_service(attachments.add_attachment, practice, upload.filename or "", upload.stream):
            flash(_("File attached."), "success")
    else:
        flash(_("Choose a file to attach."), "error")
    return redirect(url_for("library.show_practice", practice_id=practice.id))


@bp.route("/attachments/<id:attachment_id>")
def download_attachment(attachment_id: int) -> Response:
    """Always a download with the detected type, never rendered inline by the browser."""
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    _practice_or_404(attachment.practice_id)
    stored = attachments.open_stored(attachment) or abort(404)
    return download(stored, attachment.content_type, attachment.filename)


@bp.route("/attachments/<id:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(attachment_id: int) -> Response:
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    practice_id = attachment.practice_id
    _practice_or_404(practice_id)
    if ActionForm().validate_on_submit() and call_service(attachments.delete_attachment, attachment):
        flash(_("File removed."), "success")
    return redirect(url_for("library.show_practice", practice_id=practice_id))


@bp.route("/preview", methods=["POST"])
@login_required
def preview_markdown() -> Response:
    """The editor's live preview, rendered by the same pipeline as the saved page."""
    text = text_field(json_object() if request.is_json else request.form, "text")
    return jsonify({"html": str(render_markdown(text))})
