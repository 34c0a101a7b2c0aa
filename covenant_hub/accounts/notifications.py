"""Notifications: a row per event for the person concerned, a page listing them, a badge count
in the navigation, and an e-mail in the recipient's own language.

Other domains call `notify()` after they commit; the message is stored as a kind plus the
names it needs, and worded at display time, so each reader sees it in the language they use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import (
    Blueprint,
    Flask,
    redirect,
    render_template,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import ForeignKey, Index, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

from covenant_hub.accounts import mail_preferences
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.mail import send_mail
from covenant_hub.urls import public_base

NOTIFICATION_KINDS = ("mention", "reply", "watching")
PER_PAGE = 50


class Notification(db.Model):
    """Something that happened which one user should know about."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))


@dataclass(frozen=True)
class NotificationInput:
    """One notification to create; `link` is a site path such as /forum/t/3#post-9."""

    user_id: int
    kind: str
    actor_name: str
    subject: str
    link: str


# Other domains add their own kinds here: kind -> function(actor, subject) -> sentence.
DESCRIBERS: dict[str, Callable[[str, str], str]] = {}


def describe(kind: str, actor: str, subject: str) -> str:
    """The sentence shown for a notification, in the current locale."""
    if kind in DESCRIBERS:
        return DESCRIBERS[kind](actor, subject)
    if kind == "mention":
        return _("%(actor)s mentioned you in “%(subject)s”", actor=actor, subject=subject)
    if kind == "reply":
        return _("%(actor)s replied to your thread “%(subject)s”", actor=actor, subject=subject)
    return _("%(actor)s posted in “%(subject)s”, which you watch", actor=actor, subject=subject)


def notify(items: list[NotificationInput], send_email: bool = True) -> list[Notification]:
    """Store the notifications and, for whoever wants them at once, queue a mail in their
    language, all in one transaction; the rest wait for their digest (or for nothing)."""
    from covenant_hub.accounts.models import User

    rows = [
        Notification(
            user_id=i.user_id,
            kind=i.kind,
            actor_name=i.actor_name[:120],
            subject=i.subject[:300],
            link=i.link[:500],
        )
        for i in items
    ]
    if not rows:
        return []
    db.session.add_all(rows)
    db.session.flush()
    if send_email:
        users = {
            u.id: u for u in db.session.scalars(select(User).where(User.id.in_({r.user_id for r in rows})))
        }
        for row in rows:
            user = users.get(row.user_id)
            if user is not None and user.is_active and mail_preferences.wants_mail_now(user.id, row.kind):
                _mail(user, row)
    db.session.commit()
    return rows


def _mail(user: object, row: Notification) -> None:
    """A short plain-text message, queued with the notification (sent after the commit)."""
    language = getattr(user, "language", None) or "en"
    kind = mail_preferences.kind_of(row.kind)
    with force_locale(language):
        sentence = describe(row.kind, row.actor_name, row.subject)
        parts = [
            sentence,
            _("Open it: %(url)s", url=public_base() + row.link),
            _("You get this e-mail because of your watching settings on Covenant Hub."),
        ]
        headers = {"Content-Language": language}
        if kind is not None:
            headers.update(mail_preferences.unsubscribe_headers(user.id, [kind]))
            parts.append(
                _("Stop these e-mails: %(url)s", url=mail_preferences.unsubscribe_link(user.id, [kind]))
            )
        subject = _("Covenant Hub: %(sentence)s", sentence=sentence)
    send_mail(user.email, subject, "\n\n".join(parts), headers=headers, key=f"notification:{row.id}",
              kind="notification")  # fmt: skip


def unread_count(user_id: int) -> int:
    """How many notifications the user has not opened yet (the navigation badge)."""
    query = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return int(db.session.scalar(query) or 0)


def notifications_of(user_id: int, limit: int = PER_PAGE) -> list[Notification]:
    query = (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def mark_all_read(user_id: int) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return int(result.rowcount or 0)


bp = Blueprint("notifications", __name__, url_prefix="/account/notifications")


@bp.route("")
@login_required
def list_notifications() -> str:
    return render_template(
        "accounts/notifications.html", items=notifications_of(current_user.id), describe=describe
    )


@bp.route("/read", methods=["POST"])
@login_required
def mark_read() -> Response:
    mark_all_read(current_user.id)
    return redirect(url_for("notifications.list_notifications"))


def register_notifications(app: Flask) -> None:
    """Mount the page and offer the unread count to every template (one query per page)."""
    app.register_blueprint(bp)

    @app.context_processor
    def _notification_badge() -> dict[str, object]:
        def badge() -> int:
            if not getattr(current_user, "is_authenticated", False):
                return 0
            return unread_count(current_user.id)

        return {"unread_notifications": badge}
