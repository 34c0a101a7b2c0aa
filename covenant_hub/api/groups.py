"""GET /api/v1/groups and /api/v1/threads: what the caller may read, paged.

Anonymous callers see public groups; a logged-in session also sees its members-only groups.
Threads list their visible posts only when asked for one group's or one thread's detail
(`?group=` filters, `/threads/<id>` gives the posts).
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from covenant_hub.api import paging
from covenant_hub.api.blueprint import bp
from covenant_hub.extensions import db
from covenant_hub.forum import permissions as perm
from covenant_hub.forum.models import Group, Post, Thread
from covenant_hub.markup import render_markdown
from covenant_hub.urls import public_url


def _group(group: Group) -> dict[str, Any]:
    return {
        "id": group.external_id,
        "kind": group.kind,
        "title": group.title,
        "description": group.description,
        "language": group.language,
        "visibility": group.visibility,
        "join_policy": group.join_policy,
        "url": public_url("forum.show_group", group_id=group.id),
    }


def _thread(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.external_id,
        "group": thread.group.external_id,
        "title": thread.title,
        "language": thread.language,
        "created": thread.created_at.isoformat(),
        "last_post": thread.last_post_at.isoformat(),
        "posts": thread.post_count,
        "pinned": thread.is_pinned,
        "locked": thread.is_locked,
        "practice": thread.practice.external_id if thread.practice else None,
        "url": public_url("forum.show_thread", thread_id=thread.id),
    }


@bp.route("/groups")
def list_groups_api() -> Any:
    """`?page=&per_page=&kind=`"""
    try:
        page, per_page = paging.page_args()
    except paging.InvalidParameter as error:
        return paging.invalid_parameter(error)
    query = select(Group).where(perm.visible_group_filter(current_user)).order_by(Group.id)
    if request.args.get("kind"):
        query = query.where(Group.kind == request.args["kind"])
    return paging.paged_json(db.paginate(query, page=page, per_page=per_page, error_out=False), _group)


@bp.route("/threads")
def list_threads_api() -> Any:
    """`?page=&per_page=&group=<group id>`: newest activity first."""
    try:
        page, per_page = paging.page_args()
    except paging.InvalidParameter as error:
        return paging.invalid_parameter(error)
    query = (
        select(Thread)
        .join(Group, Group.id == Thread.group_id)
        .options(joinedload(Thread.group), joinedload(Thread.practice))
        .where(perm.visible_group_filter(current_user))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
    )
    if request.args.get("group"):
        query = query.where(Group.external_id == request.args["group"])
    return paging.paged_json(db.paginate(query, page=page, per_page=per_page, error_out=False), _thread)


@bp.route("/threads/<external_id>")
def show_thread_api(external_id: str) -> Any:
    """One thread with its visible posts (body as Markdown and as sanitised HTML)."""
    thread = db.session.scalar(select(Thread).where(Thread.external_id == external_id))
    if thread is None or not perm.can_view_group(current_user, thread.group):
        abort(404)
    posts = db.session.scalars(
        select(Post)
        .options(joinedload(Post.author))
        .where(Post.thread_id == thread.id, Post.state == "visible")
        .order_by(Post.created_at, Post.id)
    )
    record = _thread(thread)
    record["items"] = [
        {
            "id": p.id,
            "author": p.display_name,
            "created": p.created_at.isoformat(),
            "body": p.body,
            "html": str(render_markdown(p.body)),
        }
        for p in posts
    ]
    return jsonify(record)
