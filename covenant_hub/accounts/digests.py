"""Daily and weekly digests: one mail per person listing the notifications they chose not to get
at once, in their own language. `send_digests(period, now)` is what the periodic job calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from covenant_hub.accounts import mail_preferences
from covenant_hub.accounts.mail_preferences import NotificationPreference
from covenant_hub.accounts.models import User
from covenant_hub.accounts.notifications import Notification, describe
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.i18n import supported_languages
from covenant_hub.mail import send_mail
from covenant_hub.urls import public_base, public_url

PERIODS = ("daily", "weekly")


@dataclass(frozen=True)
class Window:
    """The half-open span [start, end) a digest covers, in UTC."""

    start: datetime
    end: datetime


def window(period: str, now: datetime) -> Window:
    """The last whole UTC day (daily) or the last whole Monday-to-Sunday week (weekly) before `now`."""
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "daily":
        return Window(day - timedelta(days=1), day)
    if period == "weekly":
        monday = day - timedelta(days=day.weekday())
        return Window(monday - timedelta(days=7), monday)
    raise ValueError(f"unknown digest period {period!r}")


def _readers(period: str) -> dict[int, list[str]]:
    """Person -> the kinds they want in this period's digest."""
    rows = db.session.scalars(select(NotificationPreference).where(NotificationPreference.mode == period))
    readers: dict[int, list[str]] = {}
    for row in rows:
        readers.setdefault(row.user_id, []).append(row.kind)
    return readers


def items_for(user_id: int, kinds: list[str], span: Window) -> list[Notification]:
    """The person's notifications of those kinds made during the span, oldest first."""
    query = (
        select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.created_at >= span.start,
            Notification.created_at < span.end,
        )
        .order_by(Notification.created_at, Notification.id)
    )
    return [row for row in db.session.scalars(query) if mail_preferences.kind_of(row.kind) in kinds]


def _language(user: User) -> str:
    if user.language in supported_languages():
        return user.language
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _queue_digest(user: User, period: str, kinds: list[str], items: list[Notification], span: Window) -> bool:
    language = _language(user)
    with force_locale(language):
        if period == "daily":
            subject = _("Covenant Hub: your daily digest (%(count)d)", count=len(items))
            intro = _("What happened on Covenant Hub on %(day)s:", day=format_date(span.start, "long"))
        else:
            subject = _("Covenant Hub: your weekly digest (%(count)d)", count=len(items))
            intro = _(
                "What happened on Covenant Hub in the week of %(day)s:", day=format_date(span.start, "long")
            )
        lines = [_("Hello %(name)s,", name=user.name), intro]
        lines += [f"- {describe(i.kind, i.actor_name, i.subject)}\n  {public_base() + i.link}" for i in items]
        lines.append(
            _(
                "Choose how often you get these e-mails: %(url)s",
                url=public_url("mail_settings.edit_preferences"),
            )
        )
        lines.append(_("Stop these e-mails: %(url)s", url=mail_preferences.unsubscribe_link(user.id, kinds)))
    headers = {"Content-Language": language, **mail_preferences.unsubscribe_headers(user.id, kinds)}
    key = f"digest:{period}:{user.id}:{span.start.date().isoformat()}"
    return (
        send_mail(user.email, subject, "\n\n".join(lines), headers=headers, key=key, kind="digest")
        is not None
    )


def send_digests(period: str, now: datetime | None = None) -> int:
    """Queue this period's digest for every reader with something in it, and commit; returns how
    many were queued. Running it twice for the same `now` queues nothing the second time."""
    span = window(period, now or utcnow())
    queued = 0
    for user_id, kinds in sorted(_readers(period).items()):
        user = db.session.get(User, user_id)
        if user is None or not user.is_active:
            continue
        items = items_for(user_id, sorted(kinds), span)
        if items:
            queued += _queue_digest(user, period, sorted(kinds), items, span)
    db.session.commit()
    return queued
