"""Moderator pages and buttons: thread actions, post actions, requests, flags, suspensions, log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from covenant_hub.accounts.models import User
from covenant_hub.errors import call_service
from covenant_hub.extensions import db
from covenant_hub.forum import moderation, queries, services
from covenant_hub.forum import permissions as perm
from covenant_hub.forum.forms import (
    ActionForm,
    MergeForm,
    ModeratorForm,
    MoveForm,
    ReasonForm,
    SplitForm,
    SuspendForm,
)
from covenant_hub.forum.models import Group, Post, Suspension, Thread
from covenant_hub.forum.views import bp, group_or_404, post_or_404, thread_or_404, thread_url
from covenant_hub.inputs import parse_int

DONE = "success"


def _moderator_thread(thread_id: int) -> Thread:
    thread, access = thread_or_404(thread_id)
    if not perm.may_moderate(access) or not ActionForm().validate_on_submit():
        abort(403 if not perm.may_moderate(access) else 400)
    return thread


def _moderated_post(post_id: int) -> Post:
    post, access = post_or_404(post_id)
    if not perm.may_moderate(access):
        abort(403)
    return post


def _moderated_group(group_id: int) -> Group:
    group, access = group_or_404(group_id)
    if not perm.may_moderate(access):
        abort(403)
    return group


@bp.route("/t/<id:thread_id>/pin", methods=["POST"])
@login_required
def pin_thread(thread_id: int) -> Response:
    thread = _moderator_thread(thread_id)
    call_service(moderation.set_pinned, thread, not thread.is_pinned)
    return redirect(thread_url(thread.id))


@bp.route("/t/<id:thread_id>/lock", methods=["POST"])
@login_required
def lock_thread(thread_id: int) -> Response:
    thread = _moderator_thread(thread_id)
    call_service(moderation.set_locked, thread, not thread.is_locked, ReasonForm().reason.data or "")
    return redirect(thread_url(thread.id))


@bp.route("/t/<id:thread_id>/move", methods=["POST"])
@login_required
def move_thread(thread_id: int) -> Response:
    thread = _moderator_thread(thread_id)
    form = MoveForm()
    target = db.session.get(Group, form.group_id.data or 0) or abort(400)
    if call_service(moderation.move_thread, thread, target, form.reason.data or ""):
        flash(_("Thread moved to %(group)s.", group=target.title), DONE)
    return redirect(thread_url(thread.id))


@bp.route("/t/<id:thread_id>/merge", methods=["POST"])
@login_required
def merge_thread(thread_id: int) -> Response:
    """Merge the thread numbered in the form into this one."""
    thread = _moderator_thread(thread_id)
    form = MergeForm()
    # Validated first: the number is bounded there, and past 2**63-1 the database driver raises.
    other = db.session.get(Thread, form.other_id.data) if form.validate_on_submit() else None
    if other is None:
        flash(_("There is no thread with this number."), "error")
    elif call_service(moderation.merge_threads, other, thread, form.reason.data or ""):
        flash(_("Threads merged."), DONE)
    return redirect(thread_url(thread.id))


@bp.route("/t/<id:thread_id>/split", methods=["POST"])
@login_required
def split_thread(thread_id: int) -> Response:
    thread = _moderator_thread(thread_id)
    form = SplitForm()
    post_ids = [n for n in map(parse_int, request.form.getlist("post_ids")) if n is not None]
    title, reason = form.title.data or "", form.reason.data or ""
    new = call_service(moderation.split_posts, thread, post_ids, title, reason).value
    if new is None:
        return redirect(thread_url(thread.id))
    flash(_("The chosen posts now form a new thread."), DONE)
    return redirect(thread_url(new.id))


def _post_action(post_id: int, state: str) -> Response:
    post = _moderated_post(post_id)
    if call_service(moderation.set_post_state, post, state, ReasonForm().reason.data or ""):
        flash(_("Done."), DONE)
    return redirect(thread_url(post.thread_id) + f"#post-{post.id}")


@bp.route("/p/<id:post_id>/hide", methods=["POST"])
@login_required
def hide_post(post_id: int) -> Response:
    return _post_action(post_id, "hidden")


@bp.route("/p/<id:post_id>/delete", methods=["POST"])
@login_required
def delete_post(post_id: int) -> Response:
    return _post_action(post_id, "deleted")


@bp.route("/p/<id:post_id>/restore", methods=["POST"])
@login_required
def restore_post(post_id: int) -> Response:
    return _post_action(post_id, "visible")


@bp.route("/p/<id:post_id>/keep", methods=["POST"])
@login_required
def keep_post(post_id: int) -> Response:
    """Dismiss the flags: the moderator decides the post may stay."""
    post = _moderated_post(post_id)
    if call_service(moderation.dismiss_flags, post, ReasonForm().reason.data or ""):
        flash(_("Done."), DONE)
    return redirect(
        request.form.get("next") == "flags" and url_for("forum.flag_queue") or thread_url(post.thread_id)
    )


@bp.route("/g/<id:group_id>/moderation")
@login_required
def moderate_group(group_id: int) -> str:
    group = _moderated_group(group_id)
    return render_template(
        "forum/moderation.html",
        group=group,
        requests=queries.pending_requests(group),
        log=moderation.log_entries(current_user, group),
        suspensions=queries.active_suspensions(group),
        action_form=ActionForm(),
        suspend_form=SuspendForm(),
        moderator_form=ModeratorForm(),
        can_manage=perm.can_manage_groups(current_user),
    )


@bp.route("/g/<id:group_id>/requests/<id:user_id>", methods=["POST"])
@login_required
def decide_request(group_id: int, user_id: int) -> Response:
    group, _access = group_or_404(group_id)
    approve = request.form.get("decision") == "approve"
    if call_service(services.decide_request, group, user_id, approve):
        flash(_("Request approved.") if approve else _("Request declined."), DONE)
    return redirect(url_for("forum.moderate_group", group_id=group.id))


@bp.route("/g/<id:group_id>/moderators", methods=["POST"])
@login_required
def add_moderator(group_id: int) -> Response:
    group, _access = group_or_404(group_id)
    form = ModeratorForm()
    if not form.validate_on_submit():
        flash(_("Enter a valid e-mail address."), "error")
    elif call_service(services.add_moderator, group, form.email.data):
        flash(_("Moderator added."), DONE)
    return redirect(url_for("forum.moderate_group", group_id=group.id))


def _suspend_from(form: SuspendForm, group: Group | None) -> None:
    if not form.validate_on_submit():
        flash(_("Give an e-mail address, a number of days and a reason."), "error")
        return
    target = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
    if target is None:
        flash(_("No account has this e-mail address."), "error")
    elif call_service(moderation.suspend, target, group, form.days.data, form.reason.data):
        flash(
            ngettext(
                "%(name)s is suspended for %(num)d day.",
                "%(name)s is suspended for %(num)d days.",
                form.days.data,
                name=target.name,
            ),
            DONE,
        )


@bp.route("/g/<id:group_id>/suspend", methods=["POST"])
@login_required
def suspend_in_group(group_id: int) -> Response:
    group = _moderated_group(group_id)
    _suspend_from(SuspendForm(), group)
    return redirect(url_for("forum.moderate_group", group_id=group.id))


@bp.route("/suspensions", methods=["GET", "POST"])
@login_required
def site_suspensions() -> str | Response:
    if not perm.can_suspend_site_wide(current_user):
        abort(403)
    form = SuspendForm()
    if request.method == "POST":
        _suspend_from(form, None)
        return redirect(url_for("forum.site_suspensions"))
    rows = db.session.scalars(select(Suspension).order_by(Suspension.created_at.desc()).limit(200))
    return render_template(
        "forum/suspensions.html", form=form, suspensions=list(rows), action_form=ActionForm()
    )


@bp.route("/suspensions/<id:suspension_id>/lift", methods=["POST"])
@login_required
def lift_suspension(suspension_id: int) -> Response:
    suspension = db.session.get(Suspension, suspension_id) or abort(404)
    group_id = suspension.group_id
    if call_service(moderation.lift_suspension, suspension):
        flash(_("Suspension lifted."), DONE)
    if group_id is None:
        return redirect(url_for("forum.site_suspensions"))
    return redirect(url_for("forum.moderate_group", group_id=group_id))


@bp.route("/flags")
@login_required
def flag_queue() -> str:
    if perm.moderated_group_ids(current_user) == set():
        abort(403)
    return render_template(
        "forum/flags.html",
        queue=moderation.flag_queue(current_user),
        action_form=ActionForm(),
        reason_form=ReasonForm(),
    )


@bp.route("/log")
@login_required
def site_log() -> str:
    if not perm.is_staff(current_user):
        abort(403)
    return render_template("forum/log.html", group=None, log=moderation.log_entries(current_user, None))
