"""The mail outbox: one delivery row per recipient and message, written in the transaction of
the change that caused it, claimed by a worker before it is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db

STATES = ("queued", "sending", "sent", "failed")


class MailDelivery(db.Model):
    """One message to one address. `key` names who and what (e.g. `newsletter:3:17`): a second
    attempt to queue the same key is a no-op, so a message is queued at most once."""

    __tablename__ = "mail_deliveries"
    __table_args__ = (Index("ix_mail_deliveries_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="mail")
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    message_id: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
