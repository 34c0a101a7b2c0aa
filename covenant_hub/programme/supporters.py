"""Live supporters: their services, their commitment log, suspension, and official feedback.

Same contract as applications.py: check permission and state, change, audit, commit, notify;
a refusal raises `ProgrammeError` (or `NotAllowed`) and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.orgs.labels import STATUS_LABELS
from covenant_hub.orgs.models import Organisation, OrgLink
from covenant_hub.programme import audit, messages, permissions
from covenant_hub.programme.audit import NotAllowed, ProgrammeError
from covenant_hub.programme.models import (
    ACTIVITY_KINDS,
    COMMITMENTS,
    SERVICE_TYPES,
    CommitmentActivity,
    FeedbackConsent,
    MemberFeedback,
    SupporterService,
    Suspension,
)

LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
MAX_TEXT = 4000
MAX_SERVICES = 30


@dataclass
class ServiceInput:
    service_type: str
    description: str
    languages: list[str] = field(default_factory=list)
    regions: str = ""


@dataclass
class ActivityInput:
    commitment: str
    kind: str
    happened_on: date | None
    description: str


def _languages(codes: list[str]) -> list[str]:
    cleaned = sorted({code.strip().lower() for code in codes if code.strip()})
    if not all(LANGUAGE_CODE.match(code) for code in cleaned):
        raise ProgrammeError(_("List languages as two-letter codes, such as ky, ru, en."))
    return cleaned


def _text(value: str | None, message: str) -> str:
    text = (value or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise ProgrammeError(message)
    return text


def _require_active(org: Organisation, message: str) -> None:
    if org.status != "active":
        raise ProgrammeError(message % {"status": STATUS_LABELS.get(org.status or "", org.status)})


# --- services -----------------------------------------------------------------------------


def add_service(actor: Actor, org: Organisation, data: ServiceInput) -> SupporterService:
    """List one service on the supporter's public profile."""
    if not permissions.can_manage_services(actor, org):
        raise NotAllowed(_("Only the supporter's administrators can list its services."))
    if data.service_type not in SERVICE_TYPES:
        raise ProgrammeError(_("Choose the type of service."))
    description = _text(data.description, _("Describe the service (at most 4,000 characters)."))
    if len(services_of(org)) >= MAX_SERVICES:
        raise ProgrammeError(_("A supporter can list at most %(count)d services.", count=MAX_SERVICES))
    service = SupporterService(
        org_id=org.id,
        service_type=data.service_type,
        description=description,
        languages=_languages(data.languages),
        regions=(data.regions or "").strip()[:MAX_TEXT],
    )
    db.session.add(service)
    audit.record(actor, "service_added", org=org, type=data.service_type)
    db.session.commit()
    return service


def remove_service(actor: Actor, service: SupporterService) -> None:
    org = service.organisation
    if not permissions.can_manage_services(actor, org):
        raise NotAllowed(_("Only the supporter's administrators can remove its services."))
    audit.record(actor, "service_removed", org=org, type=service.service_type)
    db.session.delete(service)
    db.session.commit()


def services_of(org: Organisation) -> list[SupporterService]:
    return list(
        db.session.scalars(
            select(SupporterService)
            .where(SupporterService.org_id == org.id)
            .order_by(SupporterService.service_type, SupporterService.id)
        )
    )


# --- commitment log -----------------------------------------------------------------------


def log_activity(actor: Actor, org: Organisation, data: ActivityInput) -> CommitmentActivity:
    """Record one action taken to keep one commitment."""
    if not permissions.can_log_activity(actor, org):
        raise NotAllowed(_("Only the supporter's own people can log its activities."))
    if data.commitment not in COMMITMENTS:
        raise ProgrammeError(_("Choose the commitment this activity keeps."))
    if data.kind not in ACTIVITY_KINDS:
        raise ProgrammeError(_("Choose the kind of activity."))
    today = utcnow().date()
    if (
        data.happened_on is None
        or data.happened_on > today
        or data.happened_on < today - timedelta(days=3650)
    ):
        raise ProgrammeError(_("Give the date of the activity: not in the future, at most ten years ago."))
    description = _text(data.description, _("Describe the activity (at most 4,000 characters)."))
    activity = CommitmentActivity(
        org_id=org.id,
        commitment=data.commitment,
        kind=data.kind,
        happened_on=data.happened_on,
        description=description,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(activity)
    audit.record(
        actor,
        "activity_logged",
        org=org,
        commitment=data.commitment,
        kind=data.kind,
        date=data.happened_on.isoformat(),
    )
    db.session.commit()
    return activity


def recent_activities(org: Organisation, limit: int = 50) -> list[CommitmentActivity]:
    return list(
        db.session.scalars(
            select(CommitmentActivity)
            .where(CommitmentActivity.org_id == org.id)
            .order_by(CommitmentActivity.happened_on.desc(), CommitmentActivity.id.desc())
            .limit(limit)
        )
    )


# --- suspension ---------------------------------------------------------------------------


def suspend_supporter(actor: Actor, org: Organisation, reason: str, on: date | None) -> Suspension:
    """The profile shows the suspension; the supporter, its members and staff are told."""
    if not permissions.can_suspend_supporter(actor, org):
        raise NotAllowed(_("Only an administrator can suspend a supporter."))
    reason = _text(reason, _("Give the reason for the suspension."))
    if on is None:
        raise ProgrammeError(_("Give the date the suspension starts."))
    _require_active(org, _("Only an active supporter can be suspended; this one is: %(status)s."))
    org.status = "suspended"
    suspension = Suspension(org_id=org.id, reason=reason, suspended_on=on, suspended_by_id=actor.id)
    db.session.add(suspension)
    audit.record(actor, "supporter_suspended", org=org, reason=reason, date=on.isoformat())
    db.session.commit()
    messages.supporter_suspended(org, suspension)
    return suspension


def reinstate_supporter(actor: Actor, org: Organisation) -> None:
    if not permissions.can_reinstate_supporter(actor, org):
        raise NotAllowed(_("Only an administrator can reinstate a supporter."))
    if org.status != "suspended":
        raise ProgrammeError(
            _(
                "Only a suspended supporter can be reinstated; this one is: %(status)s.",
                status=STATUS_LABELS.get(org.status or "", org.status),
            )
        )
    org.status = "active"
    suspension = open_suspension(org)
    if suspension is not None:
        suspension.reinstated_at, suspension.reinstated_by_id = utcnow(), actor.id
    audit.record(actor, "supporter_reinstated", org=org)
    db.session.commit()
    messages.supporter_reinstated(org)


def open_suspension(org: Organisation) -> Suspension | None:
    return db.session.scalar(
        select(Suspension)
        .where(Suspension.org_id == org.id, Suspension.reinstated_at.is_(None))
        .order_by(Suspension.id.desc())
    )


# --- official feedback --------------------------------------------------------------------


def give_feedback(
    actor: Actor,
    supporter: Organisation,
    member: Organisation,
    rating: int | None,
    text: str,
    language: str = "en",
) -> MemberFeedback:
    """A supporter's official review of one of its own members."""
    if not permissions.can_give_feedback(actor, supporter, member):
        raise NotAllowed(
            _("Only a supporter's administrators can give feedback, and only on its own members.")
        )
    _require_active(
        supporter, _("A supporter that is not active cannot give feedback; its status is: %(status)s.")
    )
    if rating not in (1, 2, 3, 4, 5):
        raise ProgrammeError(_("Give a rating from 1 to 5."))
    text = _text(text, _("Write the feedback (at most 4,000 characters)."))
    feedback = MemberFeedback(
        supporter_id=supporter.id,
        member_id=member.id,
        rating=rating,
        text=text,
        language=(language or "en")[:8],
        author_id=actor.id,
    )
    db.session.add(feedback)
    audit.record(actor, "feedback_given", org=supporter, member=member.external_id, rating=rating)
    db.session.commit()
    messages.feedback_given(feedback)
    return feedback


def set_feedback_consent(actor: Actor, member: Organisation, public: bool) -> None:
    """The member decides whether its feedback is shown on its public profile."""
    if not permissions.can_set_feedback_consent(actor, member):
        raise NotAllowed(_("Only the organisation's administrators can decide this."))
    consent = db.session.get(FeedbackConsent, member.id) or FeedbackConsent(org_id=member.id)
    consent.public, consent.changed_by_id, consent.changed_at = public, actor.id, utcnow()
    db.session.add(consent)
    audit.record(actor, "feedback_consent_changed", org=member, public=public)
    db.session.commit()


def feedback_is_public(member: Organisation) -> bool:
    consent = db.session.get(FeedbackConsent, member.id)
    return bool(consent and consent.public)


def feedback_on(member: Organisation) -> list[MemberFeedback]:
    return list(
        db.session.scalars(
            select(MemberFeedback)
            .options(joinedload(MemberFeedback.supporter))
            .where(MemberFeedback.member_id == member.id)
            .order_by(MemberFeedback.created_at.desc())
        )
    )


def members_of(supporter: Organisation) -> list[Organisation]:
    """The organisations linked `supported_by` the supporter, by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(OrgLink, OrgLink.source_id == Organisation.id)
            .where(OrgLink.target_id == supporter.id, OrgLink.kind == "supported_by")
            .order_by(Organisation.name)
        )
    )
