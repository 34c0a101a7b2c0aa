"""Who may do what in a discussion group: named yes/no functions over one `Access` record.

`access_for(user, group)` asks the database once per page (membership, moderator, suspensions);
every check below is then a pure function of that record, so a thread page with many posts
asks no more questions than one with a single post. The `can_*(user, group)` wrappers are what
plain code and tests call.

Rules: public groups are read by anyone, members-only groups by members, their moderators and
staff. Posting needs membership (an open public group lets a logged-in user in on the first
post), no suspension, and an unlocked thread. Moderators of a group, staff and admins pin,
lock, move, merge, split, hide, delete, restore, decide flags and suspend in that group;
site-wide suspensions, new groups and choosing moderators are for staff and admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from covenant_hub.accounts.permissions import is_logged_in, is_staff
from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum.models import Group, GroupMember, GroupModerator, Post, Suspension, Thread


@dataclass(frozen=True)
class Access:
    """What one user is in one group."""

    user_id: int | None
    staff: bool = False
    member: bool = False
    pending: bool = False
    moderator: bool = False
    suspended_until: datetime | None = None
    public: bool = True
    open_join: bool = True

    @property
    def logged_in(self) -> bool:
        return self.user_id is not None

    @property
    def moderates(self) -> bool:
        return self.staff or self.moderator

    @property
    def suspended(self) -> bool:
        return self.suspended_until is not None and not self.staff


def active_suspension_until(user_id: int, group_id: int | None) -> datetime | None:
    """The latest end of a suspension in force for the user (in this group or site-wide)."""
    scope = Suspension.group_id.is_(None)
    if group_id is not None:
        scope = or_(scope, Suspension.group_id == group_id)
    ends = db.session.scalars(
        select(Suspension.until).where(Suspension.user_id == user_id, scope, Suspension.until > utcnow())
    )
    return max(ends, default=None)


def access_for(user: Actor, group: Group) -> Access:
    """Look the user up in the group: at most three small queries."""
    public = group.visibility == "public"
    open_join = group.join_policy == "open"
    if not is_logged_in(user):
        return Access(user_id=None, public=public, open_join=open_join)
    status = db.session.scalar(
        select(GroupMember.status).where(GroupMember.group_id == group.id, GroupMember.user_id == user.id)
    )
    moderator = (
        db.session.scalar(
            select(GroupModerator.user_id).where(
                GroupModerator.group_id == group.id, GroupModerator.user_id == user.id
            )
        )
        is not None
    )
    return Access(
        user_id=user.id,
        staff=is_staff(user),
        member=status == "member",
        pending=status == "pending",
        moderator=moderator,
        suspended_until=active_suspension_until(user.id, group.id),
        public=public,
        open_join=open_join,
    )


# Pure checks over an Access -------------------------------------------------------------------


def may_view(a: Access) -> bool:
    return a.public or a.member or a.moderates


def may_join(a: Access) -> bool:
    return a.logged_in and not (a.member or a.pending) and not a.suspended


def may_post(a: Access) -> bool:
    """Write a new thread or a reply (open public groups admit on the first post)."""
    if not a.logged_in or a.suspended or not may_view(a):
        return False
    return a.member or a.moderates or (a.public and a.open_join)


def may_reply(a: Access, thread: Thread) -> bool:
    return may_post(a) and (not thread.is_locked or a.moderates)


def may_edit(a: Access, post: Post) -> bool:
    if a.moderates:
        return True
    own = a.user_id is not None and post.author_id == a.user_id
    return own and post.state == "visible" and may_reply(a, post.thread)


def may_see_history(a: Access, post: Post) -> bool:
    return a.moderates or (a.user_id is not None and post.author_id == a.user_id)


def may_flag(a: Access, post: Post) -> bool:
    return a.logged_in and may_view(a) and post.author_id != a.user_id and post.state == "visible"


def may_moderate(a: Access) -> bool:
    """Pin, lock, move, merge, split, hide, delete, restore, flags, suspend in the group."""
    return a.moderates


def may_see_post_body(a: Access, post: Post) -> bool:
    return post.state == "visible" or a.moderates


# Wrappers taking (user, group) for plain code, templates and tests --------------------------


def can_view_group(user: Actor, group: Group) -> bool:
    return may_view(access_for(user, group))


def can_join_group(user: Actor, group: Group) -> bool:
    return may_join(access_for(user, group))


def can_post_in_group(user: Actor, group: Group) -> bool:
    return may_post(access_for(user, group))


def can_reply(user: Actor, thread: Thread) -> bool:
    return may_reply(access_for(user, thread.group), thread)


def can_edit_post(user: Actor, post: Post) -> bool:
    return may_edit(access_for(user, post.thread.group), post)


def can_flag_post(user: Actor, post: Post) -> bool:
    return may_flag(access_for(user, post.thread.group), post)


def can_moderate(user: Actor, group: Group) -> bool:
    return may_moderate(access_for(user, group))


def can_move_thread(user: Actor, thread: Thread, target: Group) -> bool:
    """Moving needs moderation rights on both sides."""
    return can_moderate(user, thread.group) and can_moderate(user, target)


def can_suspend_site_wide(user: Actor) -> bool:
    return is_staff(user)


def can_manage_groups(user: Actor) -> bool:
    """Create groups and choose their moderators."""
    return is_staff(user)


def moderated_group_ids(user: Actor) -> set[int] | None:
    """Groups whose flag queue this user sees; None means all (staff)."""
    if is_staff(user):
        return None
    if not is_logged_in(user):
        return set()
    return set(db.session.scalars(select(GroupModerator.group_id).where(GroupModerator.user_id == user.id)))


def visible_group_filter(user: Actor) -> Any:
    """A WHERE clause for the groups a user may read (lists, API, search, practice pages)."""
    if is_staff(user):
        return True
    public = Group.visibility == "public"
    if not is_logged_in(user):
        return public
    mine = select(GroupMember.group_id).where(GroupMember.user_id == user.id, GroupMember.status == "member")
    moderated = select(GroupModerator.group_id).where(GroupModerator.user_id == user.id)
    return or_(public, Group.id.in_(mine), Group.id.in_(moderated))
