"""/api/v1/groups, /threads and /posts: what the caller may read, paged; replies are written.

Anonymous callers see public groups; a signed-in caller also sees its members-only groups.
A reply runs `forum.services.reply`, which checks `may_reply` as the thread page does.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from covenant_hub.api import paging
from covenant_hub.api.blueprint import bp
from covenant_hub.api.envelope import denied, fail
from covenant_hub.api.schemas.forum import (
    GroupOut,
    GroupPage,
    GroupQuery,
    PostOut,
    PostPage,
    PostQuery,
    ReplyIn,
    ThreadDetail,
    ThreadPage,
    ThreadQuery,
)  # fmt: skip
from covenant_hub.api.spec import api_spec, responses
from covenant_hub.extensions import db
from covenant_hub.forum import permissions as perm
from covenant_hub.forum import services
from covenant_hub.forum.errors import ForumError, NotAllowed
from covenant_hub.forum.models import Group, Post, Thread
from covenant_hub.markup import render_markdown
from covenant_hub.urls import public_url


def _group(group: Group) -> GroupOut:
    return GroupOut(
        id=group.external_id, kind=group.kind, title=group.title, description=group.description,
        language=group.language, visibility=group.visibility, join_policy=group.join_policy,
        url=public_url("forum.show_group", group_id=group.id),
    )  # fmt: skip


def _thread(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.external_id, "group": thread.group.external_id, "title": thread.title,
        "language": thread.language, "created": thread.created_at, "last_post": thread.last_post_at,
        "posts": thread.post_count, "pinned": thread.is_pinned, "locked": thread.is_locked,
        "practice": thread.practice.external_id if thread.practice else None,
        "url": public_url("forum.show_thread", thread_id=thread.id),
    }  # fmt: skip


def _post(post: Post) -> PostOut:
    return PostOut(
        id=post.id,
        thread=post.thread.external_id,
        author=post.display_name,
        created=post.created_at,
        body=post.body,
        html=str(render_markdown(post.body)),
    )


def _visible_thread(external_id: str) -> Thread:
    thread = db.session.scalar(select(Thread).where(Thread.external_id == external_id))
    if thread is None or not perm.can_view_group(current_user, thread.group):
        fail(404, _("No thread with the id %(id)s.", id=external_id))
    return thread


def _visible_posts() -> Any:
    return (
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Group, Group.id == Thread.group_id)
        .options(joinedload(Post.author), joinedload(Post.thread))
        .where(Post.state == "visible", perm.visible_group_filter(current_user))
    )


@bp.route("/groups")
@api_spec.validate(resp=responses(HTTP_200=GroupPage), tags=["forum"])
def list_groups_api(query: GroupQuery) -> Any:
    """Groups the caller may read; `kind=` narrows them."""
    statement = select(Group).where(perm.visible_group_filter(current_user)).order_by(Group.id)
    if query.kind:
        statement = statement.where(Group.kind == query.kind)
    return GroupPage(**paging.page_of(paging.paginate(statement, query), _group))


@bp.route("/threads")
@api_spec.validate(resp=responses(HTTP_200=ThreadPage), tags=["forum"])
def list_threads_api(query: ThreadQuery) -> Any:
    """Threads the caller may read, newest activity first; `group=` narrows them."""
    statement = (
        select(Thread)
        .join(Group, Group.id == Thread.group_id)
        .options(joinedload(Thread.group), joinedload(Thread.practice))
        .where(perm.visible_group_filter(current_user))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
    )
    if query.group:
        statement = statement.where(Group.external_id == query.group)
    return ThreadPage(**paging.page_of(paging.paginate(statement, query), _thread))


@bp.route("/threads/<external_id>")
@api_spec.validate(resp=responses(HTTP_200=ThreadDetail), tags=["forum"])
def show_thread_api(external_id: str) -> Any:
    """One thread with its visible posts (body as Markdown and as sanitised HTML)."""
    thread = _visible_thread(external_id)
    posts = db.session.scalars(
        _visible_posts().where(Post.thread_id == thread.id).order_by(Post.created_at, Post.id)
    )
    return ThreadDetail(**_thread(thread), items=[_post(p) for p in posts])


@bp.route("/posts")
@api_spec.validate(resp=responses(HTTP_200=PostPage), tags=["forum"])
def list_posts_api(query: PostQuery) -> Any:
    """Visible posts in groups the caller may read, newest first; `thread=` narrows them."""
    statement = _visible_posts().order_by(Post.created_at.desc(), Post.id.desc())
    if query.thread:
        statement = statement.where(Thread.external_id == query.thread)
    return PostPage(**paging.page_of(paging.paginate(statement, query), _post))


@bp.route("/threads/<external_id>/posts", methods=["POST"])
@api_spec.validate(resp=responses(HTTP_201=PostOut), tags=["forum"])
def reply_api(external_id: str, json: ReplyIn) -> Any:
    """Post a reply, as the thread page's reply form does."""
    if not current_user.is_authenticated:
        denied(current_user)
    thread = _visible_thread(external_id)
    try:
        post = services.reply(current_user, thread, json.body)
    except NotAllowed as error:
        fail(403, str(error))
    except ForumError as error:
        fail(400, str(error))
    return _post(post), 201
