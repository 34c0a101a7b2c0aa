"""Discussion groups, their members and moderators, threads, posts and the moderation records."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db

GROUP_KINDS = ("forum", "masterclass", "discussion")
VISIBILITIES = ("public", "members")
JOIN_POLICIES = ("open", "request")
POST_STATES = ("visible", "flagged", "hidden", "deleted")
WATCH_LEVELS = ("muted", "normal", "watching")


def new_external_id(prefix: str) -> str:
    """Ids for records created in the browser, so they export like imported ones."""
    return f"{prefix}-{secrets.token_hex(6)}"


class Group(db.Model):
    """A forum, master class or discussion group; `external_id` is its interchange id."""

    __tablename__ = "forum_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="forum")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    join_policy: Mapped[str] = mapped_column(String(16), default="open")
    owner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    owner = relationship("Organisation")


class GroupMember(db.Model):
    """A user in a group; `pending` until a moderator approves a request to join."""

    __tablename__ = "forum_group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("forum_groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="member")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    user = relationship("User")


class GroupModerator(db.Model):
    """A user who moderates one group."""

    __tablename__ = "forum_group_moderators"

    group_id: Mapped[int] = mapped_column(ForeignKey("forum_groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    user = relationship("User")


class Thread(db.Model):
    """A conversation in a group, optionally about one practice of the library."""

    __tablename__ = "forum_threads"
    __table_args__ = (
        Index("ix_forum_threads_group_activity", "group_id", "is_pinned", "last_post_at"),
        Index("ix_forum_threads_practice", "practice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("forum_groups.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8), default="en")
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practices.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    post_count: Mapped[int] = mapped_column(default=0)
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    group = relationship("Group")
    author = relationship("User")
    practice = relationship("Practice")


class Post(db.Model):
    """One message. Imported posts carry the author's name and organisation instead of a user."""

    __tablename__ = "forum_posts"
    __table_args__ = (
        Index("ix_forum_posts_thread_created", "thread_id", "created_at"),
        Index("ix_forum_posts_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str | None] = mapped_column(String(120))
    author_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="visible")
    state_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    thread = relationship("Thread")
    author = relationship("User")
    author_org = relationship("Organisation")

    @property
    def display_name(self) -> str:
        if self.author is not None:
            return self.author.name
        return self.author_name or "?"


class PostRevision(db.Model):
    """The text a post had before one edit."""

    __tablename__ = "forum_post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    editor = relationship("User")


class Draft(db.Model):
    """A reply or new thread being written; `target` is `t:<thread id>` or `g:<group id>`."""

    __tablename__ = "forum_drafts"
    __table_args__ = (UniqueConstraint("user_id", "target", name="uq_forum_drafts_user_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)


class Watch(db.Model):
    """A user's watching level for a group or a thread (`target` as in Draft)."""

    __tablename__ = "forum_watches"
    __table_args__ = (
        UniqueConstraint("user_id", "target", name="uq_forum_watches_user_target"),
        Index("ix_forum_watches_target", "target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(16), default="normal")


class Flag(db.Model):
    """A member's report of a post; open until a moderator decides."""

    __tablename__ = "forum_flags"
    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_forum_flags_post_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    user = relationship("User")


class Suspension(db.Model):
    """A user barred from posting until a time: in one group, or site-wide when group_id is NULL."""

    __tablename__ = "forum_suspensions"
    __table_args__ = (Index("ix_forum_suspensions_user", "user_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("forum_groups.id", ondelete="CASCADE"))
    until: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    user = relationship("User", foreign_keys=[user_id])


class ModerationLog(db.Model):
    """Who did what to which thread, post or user, when and why."""

    __tablename__ = "forum_moderation_log"
    __table_args__ = (Index("ix_forum_moderation_log_group", "group_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("forum_groups.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    actor = relationship("User")


def log_action(
    actor: Actor,
    group: Group | None,
    action: str,
    target_type: str,
    target_id: int | None,
    reason: str,
    **details: Any,
) -> ModerationLog:
    """Add a log row to the current transaction (the caller commits)."""
    row = ModerationLog(
        actor_id=actor.id,
        group_id=group.id if group else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason or "",
        details=details,
    )
    db.session.add(row)
    return row
