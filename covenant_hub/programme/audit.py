"""The programme's audit trail: every step, with who, when, what and the details."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from covenant_hub import errors
from covenant_hub.actors import Actor
from covenant_hub.errors import DomainError
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation
from covenant_hub.programme.models import ProgrammeAudit, SupporterApplication


class ProgrammeError(DomainError):
    """A refused step; `str(error)` is a translated message for the person who tried it."""


class NotAllowed(ProgrammeError, errors.NotAllowed):
    """The person may not do this at all (views answer 403)."""


def record(
    actor: Actor,
    action: str,
    org: Organisation | None = None,
    application: SupporterApplication | None = None,
    **details: Any,
) -> ProgrammeAudit:
    """Add one audit row to the current transaction (the caller commits it with the change)."""
    entry = ProgrammeAudit(
        actor_id=getattr(actor, "id", None),
        action=action,
        org_id=org.id if org is not None else None,
        application_id=application.id if application is not None else None,
        details={key: value for key, value in details.items() if value not in (None, "")},
    )
    db.session.add(entry)
    return entry


def trail(
    org_id: int | None = None, application_id: int | None = None, limit: int = 200
) -> list[ProgrammeAudit]:
    """Newest first, optionally for one supporter or one application."""
    query = (
        select(ProgrammeAudit)
        .options(
            joinedload(ProgrammeAudit.actor),
            joinedload(ProgrammeAudit.organisation),
            joinedload(ProgrammeAudit.application),
        )
        .order_by(ProgrammeAudit.at.desc(), ProgrammeAudit.id.desc())
        .limit(limit)
    )
    if org_id is not None:
        query = query.where(ProgrammeAudit.org_id == org_id)
    if application_id is not None:
        query = query.where(ProgrammeAudit.application_id == application_id)
    return list(db.session.scalars(query))
