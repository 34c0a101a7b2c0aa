"""Unanswered invitations: a reminder after 7 days, expiry after 30 with a notice to the sender.

`remind_invitations(now)` takes the time as an argument, so tests and the CLI decide what "now"
is; the reminder goes to whoever answers for the invited organisation (`orgs.stewards`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.matching import notices
from covenant_hub.matching.models import Invitation
from covenant_hub.matching.workflow import _path as url_for

REMIND_AFTER = timedelta(days=7)
EXPIRE_AFTER = timedelta(days=30)


@dataclass
class ReminderReport:
    """What one run did: invitation ids reminded and expired."""

    reminded: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {"reminded": self.reminded, "expired": self.expired}


def _aware(moment: datetime, like: datetime) -> datetime:
    """SQLite hands back naive datetimes; compare like with like."""
    if moment.tzinfo is None and like.tzinfo is not None:
        return moment.replace(tzinfo=like.tzinfo)
    return moment


def remind_invitations(now: datetime) -> ReminderReport:
    """Expire invitations pending 30 days or more, remind those pending 7 days (once each)."""
    report = ReminderReport()
    pending = list(
        db.session.scalars(select(Invitation).where(Invitation.state == "pending").order_by(Invitation.id))
    )
    to_remind, to_expire = [], []
    for invitation in pending:
        age = now - _aware(invitation.created_at, now)
        if age >= EXPIRE_AFTER:
            invitation.state = "expired"
            invitation.answered_at = now
            to_expire.append(invitation)
        elif age >= REMIND_AFTER and invitation.reminded_at is None:
            invitation.reminded_at = now
            to_remind.append(invitation)
    db.session.commit()
    for invitation in to_remind:
        notices.tell_deciders(
            invitation.invitee_id,
            "match_remind",
            invitation.request.org.name,
            invitation.request.text,
            url_for("matching.view_invitation", invitation_id=invitation.id),
        )
        report.reminded.append(invitation.id)
    for invitation in to_expire:
        notices.tell_admins(
            invitation.request.org_id,
            "match_expired",
            invitation.invitee.name,
            invitation.request.text,
            url_for("matching.view_request", request_id=invitation.request_id),
        )
        report.expired.append(invitation.id)
    return report


def register_remind_command(group: object) -> None:
    """Add `flask orgs remind [--json] [--now ISO]` to the orgs command group."""
    import json

    import click

    from covenant_hub.clock import utcnow

    @group.command("remind")  # type: ignore[attr-defined]
    @click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
    @click.option("--now", "now_text", default=None, help="Run as of this ISO time (default: now).")
    def remind_command(as_json: bool, now_text: str | None) -> None:
        """Remind invitations unanswered for 7 days; expire those unanswered for 30."""
        now = datetime.fromisoformat(now_text) if now_text else utcnow()
        if now.tzinfo is None:
            now = now.replace(tzinfo=utcnow().tzinfo)
        report = remind_invitations(now)
        if as_json:
            click.echo(json.dumps(report.as_dict()))
        else:
            click.echo(f"{len(report.reminded)} reminded, {len(report.expired)} expired.")
