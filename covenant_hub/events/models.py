"""The agenda (events, master classes, webinars), news items and the monthly newsletter.

Times are stored in UTC; each event keeps the IANA zone it happens in, so pages show it in
that zone (a webinar at 10:00 in Bishkek stays 10:00 Bishkek for every reader) and the
iCalendar export can carry the zone.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db

EVENT_KINDS = ("event", "masterclass", "webinar")
CONTENT_STATES = ("draft", "published")
SUBSCRIPTION_STATES = ("pending", "active", "unsubscribed")


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they were stored in UTC, so say so."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def new_unsubscribe_token() -> str:
    return secrets.token_urlsafe(24)


class Event(db.Model):
    """One date on the agenda; `external_id` is its id in events.jsonl."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_state_starts", "state", "starts_at"),
        Index("ix_events_organiser_id", "organiser_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="event")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    starts_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    place: Mapped[str | None] = mapped_column(String(300))
    online: Mapped[bool] = mapped_column(default=False)
    url: Mapped[str | None] = mapped_column(String(500))
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    organiser = relationship("Organisation")
    author = relationship("User")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or "UTC")

    @property
    def starts_utc(self) -> datetime:
        return as_utc(self.starts_at)  # type: ignore[return-value]

    @property
    def ends_utc(self) -> datetime:
        return as_utc(self.ends_at)  # type: ignore[return-value]

    @property
    def starts_local(self) -> datetime:
        return self.starts_utc.astimezone(self.zone)

    @property
    def ends_local(self) -> datetime:
        return self.ends_utc.astimezone(self.zone)

    def __repr__(self) -> str:
        return f"<Event {self.external_id} {self.state}>"


class NewsItem(db.Model):
    """A news item by staff (no organisation) or by a supporter (`org_id`)."""

    __tablename__ = "news_items"
    __table_args__ = (
        Index("ix_news_items_state_published", "state", "published_at"),
        Index("ix_news_items_org_id", "org_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    organisation = relationship("Organisation")
    author = relationship("User")

    @property
    def published_utc(self) -> datetime | None:
        return as_utc(self.published_at)

    def __repr__(self) -> str:
        return f"<NewsItem {self.external_id} {self.state}>"


class NewsletterSubscription(db.Model):
    """One address subscribed to one language edition; active only once confirmed."""

    __tablename__ = "newsletter_subscriptions"
    __table_args__ = (UniqueConstraint("email", "language", name="uq_newsletter_email_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # Random, stored, never expires: the one-click unsubscribe link of every issue carries it.
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_unsubscribe_token)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))


class NewsletterIssue(db.Model):
    """The composed issue of one month in one language, as HTML and as plain text."""

    __tablename__ = "newsletter_issues"
    __table_args__ = (UniqueConstraint("month", "language", name="uq_newsletter_issue_month_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    html: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    item_count: Mapped[int] = mapped_column(default=0)
    built_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))


class NewsletterDelivery(db.Model):
    """Proof that an issue went to a subscription: what makes a second `send` send nothing."""

    __tablename__ = "newsletter_deliveries"
    __table_args__ = (UniqueConstraint("issue_id", "subscription_id", name="uq_newsletter_delivery"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("newsletter_issues.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_subscriptions.id", ondelete="CASCADE")
    )
    sent_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
