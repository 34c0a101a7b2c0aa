"""Abuse limits for accounts in their first day: links per post and posts per hour.

Spam accounts post many links quickly right after registering; the limits (config
FORUM_NEW_ACCOUNT_MAX_LINKS and FORUM_NEW_ACCOUNT_POSTS_PER_HOUR) stop that without bothering
anyone who has been here a day. Staff are never limited.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum.errors import ForumError
from covenant_hub.forum.models import Post

LINK = re.compile(r"(?:https?://|ftp://|www\.|mailto:)\S+", re.IGNORECASE)
NEW_ACCOUNT_PERIOD = timedelta(days=1)


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive UTC times; make them comparable with utcnow()."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def count_links(body: str) -> int:
    return len(LINK.findall(body or ""))


def is_new_account(user: Actor) -> bool:
    created = getattr(user, "created_at", None)
    return created is not None and utcnow() - aware(created) < NEW_ACCOUNT_PERIOD


def check_new_account_limits(user: Actor, body: str) -> None:
    """Raise ForumError when a first-day account would break a limit."""
    if user.role in ("staff", "admin") or not is_new_account(user):
        return
    config = current_app.config
    max_links = int(config["FORUM_NEW_ACCOUNT_MAX_LINKS"])
    if count_links(body) > max_links:
        raise ForumError(
            _(
                "During their first day, new accounts may put at most %(count)d links "
                "in a post. Please remove some links and try again.",
                count=max_links,
            )
        )
    per_hour = int(config["FORUM_NEW_ACCOUNT_POSTS_PER_HOUR"])
    recent = (
        db.session.scalar(
            select(func.count())
            .select_from(Post)
            .where(Post.author_id == user.id, Post.created_at >= utcnow() - timedelta(hours=1))
        )
        or 0
    )
    if recent >= per_hour:
        raise ForumError(
            _(
                "During their first day, new accounts may write at most %(count)d posts "
                "per hour. Please try again a little later.",
                count=per_hour,
            )
        )
