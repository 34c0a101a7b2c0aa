"""Forum pages for readers and writers: groups, threads, replies, edits, drafts, feeds."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from covenant_hub.errors import call_service
from covenant_hub.extensions import db
from covenant_hub.forms import as_choices
from covenant_hub.forum import feeds, moderation, page, queries, services, watching
from covenant_hub.forum import permissions as perm
from covenant_hub.forum.errors import ForumError, NotAllowed
from covenant_hub.forum.forms import ActionForm, FlagForm, GroupForm, ReplyForm, ThreadForm, WatchForm
from covenant_hub.forum.models import Group, Post, Thread
from covenant_hub.inputs import int_arg, json_object, page_arg, text_field

bp = Blueprint("forum", __name__, url_prefix="/forum")


def group_or_404(group_id: int) -> tuple[Group, perm.Access]:
    group = db.session.get(Group, group_id) or abort(404)
    access = perm.access_for(current_user, group)
    if not perm.may_view(access):
        abort(404 if not access.logged_in else 403)
    return group, access


def thread_or_404(thread_id: int) -> tuple[Thread, perm.Access]:
    thread = db.session.get(Thread, thread_id) or abort(404)
    return thread, group_or_404(thread.group_id)[1]


def post_or_404(post_id: int) -> tuple[Post, perm.Access]:
    post = db.session.get(Post, post_id) or abort(404)
    access = thread_or_404(post.thread_id)[1]
    if not perm.may_see_post_body(access, post):
        abort(404)
    return post, access


def thread_url(thread_id: int) -> str:
    return url_for("forum.show_thread", thread_id=thread_id)


@bp.route("/")
def list_groups() -> str:
    rows = queries.all_groups_with_counts()
    visible = {g.id for g in queries.visible_groups(current_user)}
    return render_template(
        "forum/groups.html", rows=rows, visible=visible, can_create=perm.can_manage_groups(current_user)
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_group() -> str | Response:
    if not perm.can_manage_groups(current_user):
        abort(403)
    form = GroupForm()
    if form.validate_on_submit():
        data = services.GroupInput(
            **{
                name: getattr(form, name).data
                for name in ("title", "description", "kind", "language", "visibility", "join_policy")
            }
        )
        group = call_service(services.create_group, data).value
        if group is not None:
            return redirect(url_for("forum.show_group", group_id=group.id))
    return render_template("forum/group_form.html", form=form)


@bp.route("/g/<id:group_id>")
def show_group(group_id: int) -> str:
    group = db.session.get(Group, group_id) or abort(404)
    access = perm.access_for(current_user, group)
    if not perm.may_view(access):  # members-only: say what it is and offer to join, no threads
        return render_template(
            "forum/group_closed.html",
            group=group,
            access=access,
            can_join=perm.may_join(access),
            action_form=ActionForm(),
        )
    number = page_arg()
    return render_template("forum/group.html", **page.group_page_context(current_user, group, access, number))


@bp.route("/g/<id:group_id>/join", methods=["POST"])
@login_required
def join_group(group_id: int) -> Response:
    group = db.session.get(Group, group_id) or abort(404)
    status = call_service(services.join_group, group).value
    if status == "member":
        flash(_("Welcome to the group."), "success")
    elif status == "pending":
        flash(_("Your request was sent to the moderators."), "success")
    return redirect(url_for("forum.show_group", group_id=group.id))


@bp.route("/g/<id:group_id>/leave", methods=["POST"])
@login_required
def leave_group(group_id: int) -> Response:
    group = db.session.get(Group, group_id) or abort(404)
    services.leave_group(current_user, group)
    flash(_("You left the group."), "success")
    return redirect(url_for("forum.show_group", group_id=group.id))


@bp.route("/g/<id:group_id>/watch", methods=["POST"])
@login_required
def watch_group(group_id: int) -> Response:
    group, _access = group_or_404(group_id)
    if call_service(watching.set_level, watching.group_target(group.id), WatchForm().level.data or ""):
        flash(_("Notification setting saved."), "success")
    return redirect(url_for("forum.show_group", group_id=group.id))


@bp.route("/g/<id:group_id>/new", methods=["GET", "POST"])
@login_required
def new_thread(group_id: int) -> str | Response:
    group, access = group_or_404(group_id)
    if not perm.may_post(access):
        abort(403)
    return _thread_form([group], int_arg("practice"))


@bp.route("/ask/<id:practice_id>", methods=["GET", "POST"])
@login_required
def ask_owner(practice_id: int) -> str | Response:
    """ "Ask the owner": a new thread about a practice, in a group the user may write in."""
    from covenant_hub.library.models import Practice

    practice = db.session.get(Practice, practice_id)
    if practice is None or practice.state != "published":
        abort(404)
    groups = queries.postable_groups(current_user)
    if not groups:
        flash(_("Join a discussion group first: there is none you can write in yet."), "error")
        return redirect(url_for("forum.list_groups"))
    return _thread_form(groups, practice.id)


def _tell_owner(practice: Any, thread: Any) -> None:
    """ "Ask the owner" reaches whoever answers for the practice's organisation: its admins,
    else its supporter or coordinator, else staff."""
    from covenant_hub.orgs.notices import tell
    from covenant_hub.orgs.stewards import deciders

    asker = getattr(current_user, "id", None)
    people = [u for u in deciders(practice.org_id) if u.id != asker]
    tell(people, "org_asked", current_user.name, practice.title, thread_url(thread.id))


def _thread_form(groups: list[Group], practice_id: int | None) -> str | Response:
    form = ThreadForm()
    form.group_id.choices = as_choices((g.id, g.title) for g in groups)
    practice = _practice(practice_id)
    if request.method == "GET":
        _prefill(form, groups[0], practice)
    if form.validate_on_submit():
        group = next((g for g in groups if g.id == form.group_id.data), None) or abort(400)
        practice_id = practice.id if practice else None
        thread = call_service(
            services.create_thread,
            group,
            form.title.data,
            form.body.data,
            practice_id,
            None,
            f"g:{groups[0].id}",
        ).value
        if thread is not None:
            if practice is not None:
                _tell_owner(practice, thread)
            return redirect(thread_url(thread.id))
    return render_template(
        "forum/thread_form.html",
        form=form,
        practice=practice,
        groups=groups,
        draft_target=f"g:{groups[0].id}",
    )


def _practice(practice_id: int | None) -> Any:
    if not practice_id:
        return None
    from covenant_hub.library.models import Practice

    practice = db.session.get(Practice, practice_id)
    return practice if practice is not None and practice.state == "published" else None


def _prefill(form: ThreadForm, group: Group, practice: Any) -> None:
    draft = page.new_thread_draft(current_user, group)
    if draft is not None:
        form.title.data, form.body.data = draft.title, draft.body
    elif practice is not None:
        form.title.data = _("Question about “%(title)s”", title=practice.title)
        author = practice.author
        form.body.data = f"@[{author.name}] " if author is not None else ""


@bp.route("/g/<id:group_id>/feed.<fmt>")
def group_feed(group_id: int, fmt: str) -> Response:
    group = db.session.get(Group, group_id) or abort(404)
    if group.visibility != "public" or fmt not in ("rss", "atom"):
        abort(404)
    return feeds.group_feed(group, fmt)


@bp.route("/t/<id:thread_id>")
def show_thread(thread_id: int) -> str:
    thread, access = thread_or_404(thread_id)
    number = page_arg()
    return render_template(
        "forum/thread.html", **page.thread_page_context(current_user, thread, access, number)
    )


@bp.route("/t/<id:thread_id>/reply", methods=["POST"])
@login_required
def reply_thread(thread_id: int) -> Response | str:
    thread, _access = thread_or_404(thread_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(_("Write a message before sending."), "error")
        return redirect(thread_url(thread.id))
    post = call_service(services.reply, thread, form.body.data).value
    if post is None:
        return redirect(thread_url(thread.id))
    last = (thread.post_count - 1) // page.posts_per_page() + 1
    return redirect(url_for("forum.show_thread", thread_id=thread.id, page=last, _anchor=f"post-{post.id}"))


@bp.route("/t/<id:thread_id>/watch", methods=["POST"])
@login_required
def watch_thread(thread_id: int) -> Response:
    thread, _access = thread_or_404(thread_id)
    if call_service(watching.set_level, watching.thread_target(thread.id), WatchForm().level.data or ""):
        flash(_("Notification setting saved."), "success")
    return redirect(thread_url(thread.id))


@bp.route("/p/<id:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int) -> str | Response:
    post, access = post_or_404(post_id)
    if not perm.may_edit(access, post):
        abort(403)
    form = ReplyForm(data={"body": post.body} if request.method == "GET" else None)
    if form.validate_on_submit() and call_service(services.edit_post, post, form.body.data):
        flash(_("Post saved."), "success")
        return redirect(thread_url(post.thread_id) + f"#post-{post.id}")
    return render_template("forum/edit_post.html", form=form, post=post)


@bp.route("/p/<id:post_id>/history")
@login_required
def post_history(post_id: int) -> str:
    post, access = post_or_404(post_id)
    if not perm.may_see_history(access, post):
        abort(403)
    return render_template("forum/history.html", post=post, revisions=services.revisions_of(post))


@bp.route("/p/<id:post_id>/flag", methods=["POST"])
@login_required
def flag_post(post_id: int) -> Response:
    post, _access = post_or_404(post_id)
    held = call_service(moderation.flag_post, post, FlagForm().reason.data or "").value
    if held is not None:
        flash(_("Thank you. The moderators will look at this post."), "success")
    return redirect(thread_url(post.thread_id))


@bp.route("/drafts", methods=["POST"])
@login_required
def save_draft() -> Any:
    """Autosave from static/js/forum.js (JSON or form data, token in X-CSRFToken)."""
    data = json_object() if request.is_json else request.form
    try:
        draft = services.save_draft(
            current_user, text_field(data, "target"), text_field(data, "title"), text_field(data, "body")
        )
    except NotAllowed:
        db.session.rollback()
        return jsonify({"error": _("You cannot write here.")}), 403
    except ForumError as error:
        db.session.rollback()
        return jsonify({"error": str(error)}), 400
    return jsonify({"saved": draft is not None, "message": _("Draft saved.")})
