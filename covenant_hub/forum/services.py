"""Groups and posting: create groups, join and approve, write threads and replies, edit with
history, keep drafts. Each function checks the permission, writes, commits, and raises
`ForumError`/`NotAllowed` with nothing written when it refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from covenant_hub.accounts.models import User
from covenant_hub.accounts.notifications import Notification, notify
from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum import permissions as perm
from covenant_hub.forum.errors import ForumError, NotAllowed
from covenant_hub.forum.limits import check_new_account_limits
from covenant_hub.forum.mentions import mentioned_users
from covenant_hub.forum.models import (
    GROUP_KINDS,
    JOIN_POLICIES,
    VISIBILITIES,
    Draft,
    Group,
    GroupMember,
    GroupModerator,
    Post,
    PostRevision,
    Thread,
    log_action,
    new_external_id,
)
from covenant_hub.forum.watching import (
    group_target,
    mention_notifications,
    notifications_for,
    post_link,
    thread_target,
)

MAX_TITLE = 300
MAX_BODY = 20_000
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
DRAFT_TARGET = re.compile(r"^[gt]:\d{1,12}$")


@dataclass
class GroupInput:
    title: str
    description: str = ""
    kind: str = "forum"
    language: str = "en"
    visibility: str = "public"
    join_policy: str = "open"


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title or len(title) > MAX_TITLE:
        raise ForumError(_("A title of 1 to %(count)d characters is required.", count=MAX_TITLE))
    return title


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body or len(body) > MAX_BODY:
        raise ForumError(_("A message of 1 to %(count)d characters is required.", count=MAX_BODY))
    return body


def create_group(user: Actor, data: GroupInput) -> Group:
    """Staff open a group; they become its first moderator."""
    if not perm.can_manage_groups(user):
        raise NotAllowed(_("Only staff may create groups."))
    if (
        data.kind not in GROUP_KINDS
        or data.visibility not in VISIBILITIES
        or data.join_policy not in JOIN_POLICIES
    ):
        raise ForumError(_("Choose a kind, a visibility and a way to join."))
    if not LANGUAGE_CODE.match(data.language or ""):
        raise ForumError(_("Choose the language of the group."))
    group = Group(
        external_id=new_external_id("group"),
        title=clean_title(data.title),
        description=(data.description or "")[:4000],
        kind=data.kind,
        language=data.language,
        visibility=data.visibility,
        join_policy=data.join_policy,
    )
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupModerator(group_id=group.id, user_id=user.id))
    db.session.commit()
    return group


def join_group(user: Actor, group: Group) -> str:
    """Join an open group, or ask to join one on request; returns the new status."""
    if not perm.can_join_group(user, group):
        raise NotAllowed(_("You cannot join this group."))
    status = "member" if group.join_policy == "open" else "pending"
    db.session.add(GroupMember(group_id=group.id, user_id=user.id, status=status))
    db.session.commit()
    return status


def leave_group(user: Actor, group: Group) -> None:
    db.session.execute(
        delete(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == user.id)
    )
    db.session.commit()


def decide_request(user: Actor, group: Group, applicant_id: int, approve: bool) -> None:
    """A moderator admits or turns down a pending request."""
    if not perm.can_moderate(user, group):
        raise NotAllowed(_("Only moderators decide on requests to join."))
    row = db.session.get(GroupMember, (group.id, applicant_id))
    if row is None or row.status != "pending":
        raise ForumError(_("There is no such request."))
    if approve:
        row.status = "member"
    else:
        db.session.delete(row)
    log_action(user, group, "approve_member" if approve else "reject_member", "user", applicant_id, "")
    db.session.commit()


def add_moderator(user: Actor, group: Group, email: str) -> User:
    """Staff make a person a moderator (and a member) of a group."""
    if not perm.can_manage_groups(user):
        raise NotAllowed(_("Only staff choose moderators."))
    target = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if target is None:
        raise ForumError(_("No account has this e-mail address."))
    if db.session.get(GroupModerator, (group.id, target.id)) is None:
        db.session.add(GroupModerator(group_id=group.id, user_id=target.id))
    member = db.session.get(GroupMember, (group.id, target.id))
    if member is None:
        db.session.add(GroupMember(group_id=group.id, user_id=target.id, status="member"))
    else:
        member.status = "member"
    log_action(user, group, "add_moderator", "user", target.id, "")
    db.session.commit()
    return target


def _admit_if_open(user: Actor, group: Group, access: perm.Access) -> None:
    if not access.member and not access.moderates:
        db.session.add(GroupMember(group_id=group.id, user_id=user.id, status="member"))


def _drop_draft(user: Actor, target: str) -> None:
    db.session.execute(delete(Draft).where(Draft.user_id == user.id, Draft.target == target))


def _publish(user: Actor, thread: Thread, group: Group, body: str) -> Post:
    """Add a post, commit, then tell the people concerned."""
    now = utcnow()
    from covenant_hub.orgs.acting import acting_org_id

    post = Post(
        thread=thread, author_id=user.id, author_org_id=acting_org_id(user), body=body, created_at=now
    )
    db.session.add(post)
    thread.post_count = (thread.post_count or 0) + 1
    thread.last_post_at = now
    db.session.flush()
    mentioned = mentioned_users(body)
    items = notifications_for(post, thread, group, user, mentioned)
    db.session.commit()
    notify(items)
    return post


def create_thread(
    user: Actor,
    group: Group,
    title: str,
    body: str,
    practice_id: int | None = None,
    language: str | None = None,
    draft_target: str | None = None,
) -> Thread:
    """Open a thread with its first post (optionally about a practice); drops the draft it came
    from (by default the group's new-thread draft)."""
    access = perm.access_for(user, group)
    if not perm.may_post(access):
        raise NotAllowed(_("You cannot write in this group."))
    title, body = clean_title(title), clean_body(body)
    check_new_account_limits(user, body)
    _admit_if_open(user, group, access)
    language = language if language and LANGUAGE_CODE.match(language) else group.language
    thread = Thread(
        external_id=new_external_id("thread"),
        group_id=group.id,
        title=title,
        language=language,
        practice_id=practice_id,
        author_id=user.id,
        post_count=0,
    )
    db.session.add(thread)
    db.session.flush()
    _drop_draft(user, draft_target or group_target(group.id))
    _publish(user, thread, group, body)
    return thread


def reply(user: Actor, thread: Thread, body: str) -> Post:
    """Add a reply to an open thread."""
    access = perm.access_for(user, thread.group)
    if not perm.may_reply(access, thread):
        if thread.is_locked:
            raise NotAllowed(_("This thread is locked."))
        raise NotAllowed(_("You cannot write in this group."))
    body = clean_body(body)
    check_new_account_limits(user, body)
    _admit_if_open(user, thread.group, access)
    _drop_draft(user, thread_target(thread.id))
    return _publish(user, thread, thread.group, body)


def edit_post(user: Actor, post: Post, body: str) -> Post:
    """Change a post's text, keeping the previous text as a revision."""
    if not perm.can_edit_post(user, post):
        raise NotAllowed(_("You cannot edit this post."))
    body = clean_body(body)
    if body == post.body:
        return post
    check_new_account_limits(user, body)
    already = {u.id for u in mentioned_users(post.body)}
    added = [u for u in mentioned_users(body) if u.id not in already]
    db.session.add(PostRevision(post_id=post.id, body=post.body, editor_id=user.id))
    post.body = body
    post.edited_at = utcnow()
    items = _new_mentions(post, user, added)
    db.session.commit()
    notify(items)
    return post


def _new_mentions(post: Post, editor: Any, added: list[Any]) -> list[Any]:
    """Only people an edit names for the first time hear of it: never twice for one post (so
    removing and re-adding a name pings nobody again), and never about a post they cannot see."""
    if not added or post.state != "visible":
        return []
    thread = post.thread
    told = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.link == post_link(thread, post), Notification.kind == "mention"
            )
        )
    )
    return mention_notifications(post, thread, thread.group, editor, {u.id for u in added} - told)


def revisions_of(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
        )
    )


def draft_for(user: Actor, target: str) -> Draft | None:
    if not perm.is_logged_in(user):
        return None
    return db.session.scalar(select(Draft).where(Draft.user_id == user.id, Draft.target == target))


def _draft_allowed(user: Actor, target: str) -> bool:
    kind, _sep, raw_id = target.partition(":")
    if kind == "t":
        thread = db.session.get(Thread, int(raw_id))
        return thread is not None and perm.can_reply(user, thread)
    group = db.session.get(Group, int(raw_id))
    return group is not None and perm.can_post_in_group(user, group)


def save_draft(user: Actor, target: str, title: str, body: str) -> Draft | None:
    """Keep what the user is typing (empty text removes the draft)."""
    if not DRAFT_TARGET.match(target or "") or not _draft_allowed(user, target):
        raise NotAllowed(_("You cannot write here."))
    if len(title or "") > MAX_TITLE or len(body or "") > MAX_BODY:
        raise ForumError(_("The draft is too long."))
    draft = draft_for(user, target)
    if not (title or "").strip() and not (body or "").strip():
        if draft is not None:
            db.session.delete(draft)
        db.session.commit()
        return None
    if draft is None:
        draft = Draft(user_id=user.id, target=target)
        db.session.add(draft)
    draft.title, draft.body, draft.updated_at = title or "", body or "", utcnow()
    db.session.commit()
    return draft
