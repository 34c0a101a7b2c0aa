"""Moderation: pin, lock, move, merge, split, hide, delete, restore, flags and suspensions.

Every action is checked with `permissions`, written with a ModerationLog row (who, when,
what, on which record, why) in the same transaction, and refused with nothing written.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from covenant_hub.accounts.models import User
from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum import permissions as perm
from covenant_hub.forum.errors import ForumError, NotAllowed
from covenant_hub.forum.models import (
    Flag,
    Group,
    ModerationLog,
    Post,
    Suspension,
    Thread,
    log_action,
    new_external_id,
)
from covenant_hub.forum.services import clean_title

MAX_REASON = 2000
MAX_SUSPENSION_DAYS = 3650


def _require(user: Actor, group: Group) -> None:
    if not perm.can_moderate(user, group):
        raise NotAllowed(_("Only the group's moderators may do this."))


def _reason(reason: str, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ForumError(_("Please give a reason."))
    if len(reason) > MAX_REASON:
        raise ForumError(_("The reason may have at most %(count)d characters.", count=MAX_REASON))
    return reason


def set_pinned(user: Actor, thread: Thread, pinned: bool) -> None:
    _require(user, thread.group)
    thread.is_pinned = pinned
    log_action(user, thread.group, "pin" if pinned else "unpin", "thread", thread.id, "")
    db.session.commit()


def set_locked(user: Actor, thread: Thread, locked: bool, reason: str = "") -> None:
    _require(user, thread.group)
    reason = _reason(reason, False)
    thread.is_locked = locked
    log_action(user, thread.group, "lock" if locked else "unlock", "thread", thread.id, reason)
    db.session.commit()


def move_thread(user: Actor, thread: Thread, target: Group, reason: str = "") -> None:
    if not perm.can_move_thread(user, thread, target):
        raise NotAllowed(_("You need to moderate both groups to move a thread."))
    if target.id == thread.group_id:
        raise ForumError(_("The thread is already in this group."))
    reason = _reason(reason, False)
    source = thread.group
    thread.group_id = target.id
    log_action(user, source, "move", "thread", thread.id, reason, from_group=source.id, to_group=target.id)
    db.session.commit()


def recount(thread: Thread) -> None:
    """Post count and last activity from the posts themselves."""
    count, last = db.session.execute(
        select(func.count(Post.id), func.max(Post.created_at)).where(Post.thread_id == thread.id)
    ).one()
    thread.post_count = int(count or 0)
    if last is not None:
        thread.last_post_at = last


def merge_threads(user: Actor, source: Thread, target: Thread, reason: str = "") -> Thread:
    """Move every post of `source` into `target` (posts stay ordered by time) and drop `source`."""
    if source.id == target.id:
        raise ForumError(_("Choose two different threads."))
    _require(user, source.group)
    _require(user, target.group)
    reason = _reason(reason, False)
    db.session.execute(update(Post).where(Post.thread_id == source.id).values(thread_id=target.id))
    details = {"merged_thread": source.id, "merged_title": source.title}
    log_action(user, target.group, "merge", "thread", target.id, reason, **details)
    db.session.delete(source)
    db.session.flush()
    recount(target)
    db.session.commit()
    return target


def _chosen_posts(thread: Thread, post_ids: list[int]) -> list[Post]:
    """The posts to split out, oldest first; refuses none or all of them."""
    query = (
        select(Post)
        .where(Post.thread_id == thread.id, Post.id.in_(post_ids or []))
        .order_by(Post.created_at, Post.id)
    )
    posts = list(db.session.scalars(query))
    if not posts:
        raise ForumError(_("Choose the posts to move into the new thread."))
    if len(posts) >= (thread.post_count or 0):
        raise ForumError(_("Leave at least one post in the original thread."))
    return posts


def split_posts(user: Actor, thread: Thread, post_ids: list[int], title: str, reason: str = "") -> Thread:
    """Move the chosen posts into a new thread in the same group; the earliest opens it."""
    _require(user, thread.group)
    title, reason = clean_title(title), _reason(reason, False)
    posts = _chosen_posts(thread, post_ids)
    new = Thread(
        external_id=new_external_id("thread"),
        group_id=thread.group_id,
        title=title,
        language=thread.language,
        author_id=posts[0].author_id,
        created_at=posts[0].created_at,
    )
    db.session.add(new)
    db.session.flush()
    for post in posts:
        post.thread_id = new.id
    db.session.flush()
    recount(new)
    recount(thread)
    moved = [p.id for p in posts]
    log_action(user, thread.group, "split", "thread", thread.id, reason, new_thread=new.id, posts=moved)
    db.session.commit()
    return new


def set_post_state(user: Actor, post: Post, state: str, reason: str = "") -> None:
    """Hide or delete (with a reason), or restore a post to visible; open flags are resolved."""
    group = post.thread.group
    _require(user, group)
    if state not in ("hidden", "deleted", "visible"):
        raise ForumError(_("Unknown action."))
    reason = _reason(reason, required=state != "visible")
    action = {"hidden": "hide", "deleted": "delete", "visible": "restore"}[state]
    post.state = state
    post.state_reason = reason or None
    _resolve_flags(post)
    log_action(user, group, action, "post", post.id, reason, thread=post.thread_id)
    db.session.commit()


def _resolve_flags(post: Post) -> None:
    db.session.execute(
        update(Flag).where(Flag.post_id == post.id, Flag.resolved_at.is_(None)).values(resolved_at=utcnow())
    )


def flag_post(user: Actor, post: Post, reason: str = "") -> bool:
    """A member reports a post; at FORUM_FLAG_THRESHOLD distinct reporters it is held back.
    Returns True when this flag hid the post."""
    if not perm.can_flag_post(user, post):
        raise NotAllowed(_("You cannot report this post."))
    reason = _reason(reason, False)
    mine = select(Flag.id).where(Flag.post_id == post.id, Flag.user_id == user.id, Flag.resolved_at.is_(None))
    if db.session.scalar(mine) is not None:
        raise ForumError(_("You have already reported this post."))
    # A flag the moderators already resolved is replaced: the same person may report again.
    db.session.execute(Flag.__table__.delete().where(Flag.post_id == post.id, Flag.user_id == user.id))
    db.session.add(Flag(post_id=post.id, user_id=user.id, reason=reason))
    db.session.flush()
    open_flags = (
        select(func.count()).select_from(Flag).where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
    )
    count = db.session.scalar(open_flags) or 0
    held = count >= int(current_app.config["FORUM_FLAG_THRESHOLD"])
    if held:
        post.state = "flagged"
    db.session.commit()
    return held


def dismiss_flags(user: Actor, post: Post, reason: str = "") -> None:
    """The moderator keeps the post: flags resolved, the post shown again."""
    _require(user, post.thread.group)
    reason = _reason(reason, False)
    post.state = "visible"
    post.state_reason = None
    _resolve_flags(post)
    log_action(user, post.thread.group, "dismiss_flags", "post", post.id, reason)
    db.session.commit()


def flag_queue(user: Actor) -> list[tuple[Post, int]]:
    """Posts with open flags in the groups this user moderates, most reported first."""
    group_ids = perm.moderated_group_ids(user)
    query = (
        select(Post, func.count(Flag.id))
        .join(Flag, Flag.post_id == Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Flag.resolved_at.is_(None))
        .group_by(Post.id)
        .order_by(func.count(Flag.id).desc(), Post.id)
    )
    if group_ids is not None:
        query = query.where(Thread.group_id.in_(group_ids or {-1}))
    return [(post, count) for post, count in db.session.execute(query).all()]


def suspend(user: Actor, target: User, group: Group | None, days: int, reason: str) -> Suspension:
    """Bar `target` from posting for `days`: in one group (its moderators) or site-wide (staff)."""
    if group is None and not perm.can_suspend_site_wide(user):
        raise NotAllowed(_("Only staff may suspend someone site-wide."))
    if group is not None:
        _require(user, group)
    if target.id == user.id or target.role in ("staff", "admin"):
        raise ForumError(_("This account cannot be suspended here."))
    if not isinstance(days, int) or not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise ForumError(_("Choose a number of days from 1 to %(max)d.", max=MAX_SUSPENSION_DAYS))
    reason = _reason(reason)
    row = Suspension(
        user_id=target.id,
        group_id=group.id if group else None,
        until=utcnow() + timedelta(days=days),
        reason=reason,
        by_id=user.id,
    )
    db.session.add(row)
    db.session.flush()
    log_action(user, group, "suspend" if group else "suspend_site", "user", target.id, reason, days=days)
    db.session.commit()
    return row


def lift_suspension(user: Actor, suspension: Suspension) -> None:
    group = db.session.get(Group, suspension.group_id) if suspension.group_id else None
    if group is None and not perm.can_suspend_site_wide(user):
        raise NotAllowed(_("Only staff may lift a site-wide suspension."))
    if group is not None:
        _require(user, group)
    suspension.until = utcnow()
    log_action(user, group, "lift_suspension", "user", suspension.user_id, "")
    db.session.commit()


def log_entries(user: Actor, group: Group | None, limit: int = 200) -> list[ModerationLog]:
    """The log of one group (moderators) or of everything (staff)."""
    if group is None and not perm.is_staff(user):
        raise NotAllowed(_("Only staff see the whole log."))
    if group is not None:
        _require(user, group)
    query = (
        select(ModerationLog).order_by(ModerationLog.created_at.desc(), ModerationLog.id.desc()).limit(limit)
    )
    if group is not None:
        query = query.where(ModerationLog.group_id == group.id)
    return list(db.session.scalars(query))
