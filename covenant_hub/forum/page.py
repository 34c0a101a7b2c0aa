"""What the group and thread pages show, gathered here so the views stay a few lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy import select

from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.forms import as_choices
from covenant_hub.forum import permissions as perm
from covenant_hub.forum import queries
from covenant_hub.forum.forms import (
    ActionForm,
    FlagForm,
    MergeForm,
    MoveForm,
    ReasonForm,
    ReplyForm,
    SplitForm,
    WatchForm,
)
from covenant_hub.forum.mentions import link_mentions, people_by_name
from covenant_hub.forum.models import Group, Thread
from covenant_hub.forum.services import draft_for
from covenant_hub.forum.watching import group_target, level_of, thread_target


def group_page_context(user: Actor, group: Group, access: perm.Access, page: int) -> dict[str, Any]:
    pagination = queries.group_threads(group, page, current_app.config["FORUM_THREADS_PER_PAGE"])
    watch = WatchForm()
    if access.logged_in:
        watch.level.data = level_of(user.id, None, group)
    return {
        "group": group,
        "access": access,
        "pagination": pagination,
        "threads": pagination.items,
        "starters": queries.starter_names(pagination.items),
        "watch_form": watch,
        "action_form": ActionForm(),
        "can_post": perm.may_post(access),
        "can_join": perm.may_join(access),
        "can_moderate": perm.may_moderate(access),
    }


def posts_per_page() -> int:
    return int(current_app.config["FORUM_POSTS_PER_PAGE"])


def _move_form(user: Actor, thread: Thread) -> MoveForm:
    """Targets are the other groups this user moderates (one query for the ids, one for the names);
    a moderator suspended in a group still moderates it, as `can_moderate` says."""
    form = MoveForm()
    query = select(Group.id, Group.title).where(Group.id != thread.group_id).order_by(Group.title)
    mine = perm.moderated_group_ids(user)
    if mine is not None:
        query = query.where(Group.id.in_(mine))
    form.group_id.choices = as_choices(db.session.execute(query))
    return form


def _mention_linker(posts: list[Any]) -> Callable[[str], Markup]:
    """Turns a post's rendered HTML into the same with its @mentions linked (one query per page)."""
    people = people_by_name(post.body for post in posts)

    def person_url(user_id: int) -> str:
        return url_for("accounts.show_person", user_id=user_id)

    return lambda rendered: link_mentions(rendered, people, person_url)


def thread_page_context(user: Actor, thread: Thread, access: perm.Access, page: int) -> dict[str, Any]:
    """Posts with authors (one query), open flags (one query), the user's draft and level."""
    pagination = queries.thread_posts(thread, page, posts_per_page())
    posts = pagination.items
    moderates = perm.may_moderate(access)
    reply_form = ReplyForm()
    draft = draft_for(user, thread_target(thread.id)) if access.logged_in else None
    if draft is not None and not reply_form.body.data:
        reply_form.body.data = draft.body
    watch = WatchForm()
    if access.logged_in:
        watch.level.data = level_of(user.id, thread, thread.group)
    return {
        "thread": thread,
        "group": thread.group,
        "access": access,
        "pagination": pagination,
        "posts": posts,
        "flags": queries.open_flag_counts([p.id for p in posts]) if moderates else {},
        "can": {
            "reply": perm.may_reply(access, thread),
            "moderate": moderates,
            "edit": {p.id: perm.may_edit(access, p) for p in posts},
            "history": {p.id: perm.may_see_history(access, p) for p in posts},
            "flag": {p.id: perm.may_flag(access, p) for p in posts},
            "body": {p.id: perm.may_see_post_body(access, p) for p in posts},
            "link_mentions": _mention_linker(posts),
        },
        "reply_form": reply_form,
        "draft_target": thread_target(thread.id),
        "watch_form": watch,
        "action_form": ActionForm(),
        "reason_form": ReasonForm(),
        "flag_form": FlagForm(),
        "move_form": _move_form(user, thread) if moderates else None,
        "merge_form": MergeForm() if moderates else None,
        "split_form": SplitForm() if moderates else None,
        "practice": thread.practice,
    }


def new_thread_draft(user: Actor, group: Group) -> Any:
    return draft_for(user, group_target(group.id))
