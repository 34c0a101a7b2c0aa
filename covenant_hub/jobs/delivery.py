"""Mail through the job queue: queue a row in the caller's transaction, hand it to a worker after
the commit, claim it before sending, send a batch over one connection, retry with backoff.

A row is claimed (queued -> sending) in its own committed transaction before its message goes
out, and marked sent as soon as the server accepted it, so a retry never sends it again. A
worker killed between the two leaves a claim nobody confirms: after `JOBS_SENDING_LEASE` it is
marked failed with that reason (staff decide whether to resend), never resent on its own.
"""

from __future__ import annotations

import json
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from covenant_hub.clock import utcnow
from covenant_hub.database import writing
from covenant_hub.extensions import db
from covenant_hub.jobs.models import MailDelivery
from covenant_hub.jobs.queue import get_queue
from covenant_hub.jobs.transport import open_sender
from covenant_hub.mail_headers import MAIL_POLICY

PENDING = "mail_deliveries_pending"
DELIVER_JOB = "mail.deliver"
RELAY_JOB = "mail.relay"
# Headers that must stay on one line (an encoded-word breaks the one-click unsubscribe link).
UNFOLDED = frozenset({"List-Unsubscribe"})


class MailServerUnavailable(Exception):
    """The mail server refused or dropped the connection; the unsent rows wait for a retry."""


class UnfoldedHeader(str):
    """A header value written on one line as it is (RFC 5322 allows 998 characters)."""

    name: str

    def __new__(cls, name: str, value: str) -> UnfoldedHeader:
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy: object) -> str:
        return f"{self.name}: {self}{getattr(policy, 'linesep', chr(10))}"


@dataclass(frozen=True)
class Claimed:
    """A delivery row as the worker read it when it claimed it."""

    id: int
    recipient: str
    subject: str
    text: str
    html: str | None
    headers: dict[str, str]
    message_id: str
    attempts: int


def build_message(row: Claimed | MailDelivery, sender: str) -> EmailMessage:
    """The message for a row; its Message-ID was fixed when it was queued."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = row.message_id
    message.set_content(row.text)
    if row.html is not None:
        message.add_alternative(row.html, subtype="html")
    # After the bodies: set_content() drops any Content-* header set before it.
    headers = row.headers if isinstance(row.headers, dict) else json.loads(row.headers or "{}")
    for name, value in headers.items():
        message[name] = UnfoldedHeader(name, str(value)) if name in UNFOLDED else str(value)
    return message


def _insert(values: dict[str, Any]) -> Any:
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return (
        dialect.insert(MailDelivery)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(MailDelivery.id)
    )


def queue_mail(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    *,
    key: str | None = None,
    kind: str = "mail",
) -> EmailMessage | None:
    """Add a delivery row to the session's transaction; None when `key` is already queued."""
    now = utcnow()
    values = {
        "key": (key or f"{kind}:{uuid.uuid4().hex}")[:200],
        "kind": kind[:32],
        "recipient": to,
        "subject": subject[:500],
        "text": text,
        "html": html,
        "headers": json.dumps({name: str(value) for name, value in (headers or {}).items()}),
        "message_id": make_msgid(domain="covenant-hub.local"),
        "state": "queued",
        "attempts": 0,
        "last_error": "",
        "created_at": now,
        "next_attempt_at": now,
    }
    new_id = db.session.execute(_insert(values)).scalar()
    if new_id is None:
        return None
    db.session.info.setdefault(PENDING, []).append(int(new_id))
    row = MailDelivery(**{**values, "id": new_id})
    return build_message(row, current_app.config["MAIL_SENDER"])


def hand_off(ids: list[int]) -> None:
    """Give the rows to the queue in batches (one job, one SMTP connection per batch)."""
    if not ids:
        return
    size = max(1, int(current_app.config["JOBS_BATCH"]))
    queue = get_queue()
    for start in range(0, len(ids), size):
        try:
            queue.enqueue(DELIVER_JOB, ids[start : start + size])
        except Exception:  # the rows stay queued: the relay hands them over again
            current_app.logger.exception("Could not hand mail to the job queue")


def _after_commit(session: Session) -> None:
    ids = session.info.pop(PENDING, None)
    if ids and has_app_context():
        hand_off(sorted(set(ids)))


def _after_rollback(session: Session, *_: Any) -> None:
    session.info.pop(PENDING, None)


def install() -> None:
    """Hand queued rows to the job queue after every commit that wrote some (idempotent)."""
    for name, fn in (("after_commit", _after_commit), ("after_soft_rollback", _after_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def _claim(ids: list[int], now: datetime) -> list[Claimed]:
    """queued -> sending for the rows nobody else claimed, committed before anything is sent."""
    claimed = []
    with writing():
        for row_id in ids:
            result = db.session.execute(
                update(MailDelivery)
                .where(MailDelivery.id == row_id, MailDelivery.state == "queued")
                .values(state="sending", claimed_at=now, attempts=MailDelivery.attempts + 1)
            )
            if result.rowcount == 1:
                row = db.session.get(MailDelivery, row_id)
                assert row is not None
                claimed.append(
                    Claimed(row.id, row.recipient, row.subject, row.text, row.html,
                            json.loads(row.headers or "{}"), row.message_id, row.attempts)
                )  # fmt: skip
        db.session.commit()
    return claimed


def _set(row_id: int, **values: Any) -> None:
    with writing():
        db.session.execute(update(MailDelivery).where(MailDelivery.id == row_id).values(**values))
        db.session.commit()


def _give_back(rows: list[Claimed], error: BaseException, now: datetime) -> None:
    """Unsent rows wait for the next attempt (doubling delays), or fail after the last one."""
    config = current_app.config
    reason = f"{type(error).__name__}: {error}"[:500]
    for row in rows:
        if row.attempts >= int(config["JOBS_MAIL_ATTEMPTS"]):
            _set(row.id, state="failed", last_error=reason, claimed_at=None)
        else:
            delay = int(config["JOBS_RETRY_DELAY"]) * 2 ** (row.attempts - 1)
            _set(row.id, state="queued", last_error=reason, claimed_at=None,
                 next_attempt_at=now + timedelta(seconds=delay))  # fmt: skip


def deliver_batch(ids: list[int], now: datetime | None = None) -> int:
    """Send the queued rows among `ids` over one connection; returns how many went out.

    Raises MailServerUnavailable when the server went away before the batch was done, so the
    job is retried with backoff; what was sent before stays sent.
    """
    now = now or utcnow()
    claimed = _claim(list(ids), now)
    if not claimed:
        return 0
    config, done = current_app.config, 0
    try:
        with open_sender(config) as sender:
            for row in claimed:
                try:
                    sender.send(build_message(row, config["MAIL_SENDER"]))
                except smtplib.SMTPRecipientsRefused as refused:  # this address only: never retried
                    _set(row.id, state="failed", last_error=f"refused: {refused.recipients}"[:500])
                else:
                    _set(row.id, state="sent", sent_at=utcnow(), last_error="")
                done += 1
    except (OSError, smtplib.SMTPException) as error:
        if claimed[done:]:
            _give_back(claimed[done:], error, now)
            raise MailServerUnavailable(str(error)) from error
    return done


def relay(now: datetime | None = None) -> int:
    """The periodic safety net: fail stale claims, hand over queued rows that are due again.

    Rows whose hand-off was lost (a crash after the commit, a wiped huey store) go out this way.
    Returns how many rows it handed over.
    """
    now = now or utcnow()
    lease = now - timedelta(seconds=int(current_app.config["JOBS_SENDING_LEASE"]))
    with writing():
        db.session.execute(
            update(MailDelivery)
            .where(MailDelivery.state == "sending", MailDelivery.claimed_at < lease)
            .values(state="failed", last_error="interrupted while sending: it may or may not have arrived")
        )
        due = list(
            db.session.scalars(
                select(MailDelivery.id)
                .where(MailDelivery.state == "queued", MailDelivery.next_attempt_at <= now)
                .order_by(MailDelivery.id)
            )
        )
        db.session.commit()
    hand_off(due)
    return len(due)


def retry(ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Staff's retry: failed rows (all, or those in `ids`) are queued again with fresh attempts."""
    query = update(MailDelivery).where(MailDelivery.state == "failed")
    if ids is not None:
        query = query.where(MailDelivery.id.in_(ids))
    chosen = select(MailDelivery.id).where(MailDelivery.state == "failed")
    if ids is not None:
        chosen = chosen.where(MailDelivery.id.in_(ids))
    again = list(db.session.scalars(chosen))
    db.session.execute(query.values(state="queued", attempts=0, next_attempt_at=now or utcnow()))
    db.session.info.setdefault(PENDING, []).extend(again)
    db.session.commit()
    return len(again)


def counts() -> dict[str, int]:
    """Deliveries by state: queued, sending, sent, failed (zeros included)."""
    rows = db.session.execute(select(MailDelivery.state, func.count()).group_by(MailDelivery.state))
    found = {state: 0 for state in ("queued", "sending", "sent", "failed")}
    found.update({state: int(n) for state, n in rows})
    return found


def queue_health() -> dict[str, int]:
    """For the metrics registry: mail waiting to go (queued + sending), failed mail, huey's backlog."""
    by_state = counts()
    return {
        "depth": by_state["queued"] + by_state["sending"],
        "failed": by_state["failed"],
        "jobs_waiting": get_queue().depth(),
    }


def unfinished(limit: int = 200) -> list[MailDelivery]:
    """The rows staff look at: failed first, then queued and sending, oldest first."""
    order = (MailDelivery.state != "failed", MailDelivery.id)
    query = select(MailDelivery).where(MailDelivery.state != "sent").order_by(*order).limit(limit)
    return list(db.session.scalars(query))
