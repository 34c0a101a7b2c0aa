"""Watching levels and who hears about a new post.

Levels, per thread or per group (a thread setting wins over the group's; nothing set means
`normal`): `watching` hears about every post; `normal` hears about @mentions and replies to
threads they started; `muted` hears nothing. People who may not read the group hear nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from covenant_hub.accounts.models import User
from covenant_hub.accounts.notifications import NotificationInput
from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.forum.errors import ForumError
from covenant_hub.forum.mentions import mentioned_users
from covenant_hub.forum.models import WATCH_LEVELS, Group, GroupMember, GroupModerator, Post, Thread, Watch


def thread_target(thread_id: int) -> str:
    return f"t:{thread_id}"


def group_target(group_id: int) -> str:
    return f"g:{group_id}"


def level_of(user_id: int, thread: Thread | None, group: Group) -> str:
    """The level in force for one user (thread setting, else group, else normal)."""
    targets = [group_target(group.id)] + ([thread_target(thread.id)] if thread else [])
    rows = dict(
        db.session.execute(
            select(Watch.target, Watch.level).where(Watch.user_id == user_id, Watch.target.in_(targets))
        ).all()
    )
    if thread is not None and thread_target(thread.id) in rows:
        return rows[thread_target(thread.id)]
    return rows.get(group_target(group.id), "normal")


def set_level(user: Actor, target: str, level: str) -> None:
    """Store a level for a group or thread target; commits."""
    if level not in WATCH_LEVELS:
        from flask_babel import gettext as _

        raise ForumError(_("Choose muted, normal or watching."))
    watch = db.session.scalar(select(Watch).where(Watch.user_id == user.id, Watch.target == target))
    if watch is None:
        db.session.add(Watch(user_id=user.id, target=target, level=level))
    else:
        watch.level = level
    db.session.commit()


def _levels(thread: Thread, group: Group, user_ids: set[int] | None = None) -> dict[int, str]:
    """Effective levels of everyone (or of `user_ids`) who set one on this thread or its group."""
    query = select(Watch.user_id, Watch.target, Watch.level).where(
        Watch.target.in_([group_target(group.id), thread_target(thread.id)])
    )
    if user_ids is not None:
        query = query.where(Watch.user_id.in_(user_ids))
    rows = db.session.execute(query).all()
    levels: dict[int, str] = {}
    for user_id, _target, level in sorted(rows, key=lambda row: row[1].startswith("t:")):
        levels[user_id] = level  # thread rows come last and win
    return levels


def _readers(group: Group, user_ids: set[int]) -> set[int]:
    """Which of these users may read the group."""
    if group.visibility == "public" or not user_ids:
        return set(user_ids)
    members = set(
        db.session.scalars(
            select(GroupMember.user_id).where(
                GroupMember.group_id == group.id,
                GroupMember.status == "member",
                GroupMember.user_id.in_(user_ids),
            )
        )
    )
    mods = set(
        db.session.scalars(
            select(GroupModerator.user_id).where(
                GroupModerator.group_id == group.id, GroupModerator.user_id.in_(user_ids)
            )
        )
    )
    staff = set(
        db.session.scalars(select(User.id).where(User.id.in_(user_ids), User.role.in_(("staff", "admin"))))
    )
    return members | mods | staff


def _kind(user_id: int, level: str, mentioned: set[int], thread: Thread, is_opening: bool) -> str | None:
    if level == "muted":
        return None
    if user_id in mentioned:
        return "mention"
    if user_id == thread.author_id and not is_opening:
        return "reply"
    return "watching" if level == "watching" else None


def post_link(thread: Thread, post: Post) -> str:
    """A path, not a URL: works in requests, CLI and imports."""
    return f"/forum/t/{thread.id}#post-{post.id}"


def _item(user_id: int, kind: str, actor: Actor, thread: Thread, link: str) -> NotificationInput:
    return NotificationInput(
        user_id=user_id, kind=kind, actor_name=actor.name, subject=thread.title, link=link
    )


def notifications_for(
    post: Post, thread: Thread, group: Group, actor: Actor, mentioned: list[User] | None = None
) -> list[NotificationInput]:
    """One notification per person concerned by a new post, mention first, then reply, watching."""
    mentioned_ids = {u.id for u in (mentioned if mentioned is not None else mentioned_users(post.body))}
    levels = _levels(thread, group)
    candidates = mentioned_ids | {uid for uid, level in levels.items() if level == "watching"}
    if thread.author_id:
        candidates.add(thread.author_id)
    candidates.discard(actor.id)
    is_opening = thread.post_count <= 1
    link = post_link(thread, post)
    items = []
    for user_id in sorted(_readers(group, candidates)):
        kind = _kind(user_id, levels.get(user_id, "normal"), mentioned_ids, thread, is_opening)
        if kind:
            items.append(_item(user_id, kind, actor, thread, link))
    return items


def mention_notifications(
    post: Post, thread: Thread, group: Group, actor: Actor, user_ids: set[int]
) -> list[NotificationInput]:
    """Mentions alone, for people an edit names: the same muted and may-read rules as a new
    post, without looking at the watchers or the thread's author."""
    candidates = user_ids - {actor.id}
    if not candidates:
        return []
    levels = _levels(thread, group, candidates)
    link = post_link(thread, post)
    return [
        _item(user_id, "mention", actor, thread, link)
        for user_id in sorted(_readers(group, candidates))
        if levels.get(user_id, "normal") != "muted"
    ]
