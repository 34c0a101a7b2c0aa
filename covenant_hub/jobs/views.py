"""The staff page of the job queue: what waits, what failed and why, and a retry button."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from covenant_hub.jobs import delivery, permissions
from covenant_hub.jobs.queue import get_queue

bp = Blueprint("jobs", __name__, url_prefix="/staff/jobs")


@bp.route("/")
@login_required
def show_queue() -> str:
    if not permissions.can_view_job_queue(current_user):
        abort(403)
    return render_template(
        "jobs/queue.html",
        counts=delivery.counts(),
        rows=delivery.unfinished(),
        waiting=get_queue().depth(),
        can_retry=permissions.can_retry_jobs(current_user),
    )


@bp.route("/retry", methods=["POST"])
@login_required
def retry_failed() -> Response:
    if not permissions.can_retry_jobs(current_user):
        abort(403)
    raw = request.form.get("delivery", "").strip()
    if raw and not raw.isdigit():
        flash(_("That delivery does not exist."), "error")
        return redirect(url_for("jobs.show_queue"))
    count = delivery.retry([int(raw)] if raw else None)
    if raw and count == 0:
        flash(_("That delivery is not failed: nothing was queued again."), "error")
    else:
        flash(_("%(count)d messages queued again.", count=count), "success")
    return redirect(url_for("jobs.show_queue"))
