"""Becoming a supporter: expression of interest, eligibility review, agreement, going live.

Each step takes the acting user, checks the permission and the application's state, changes
the rows, writes the audit row, commits, then notifies. A refused step raises `ProgrammeError`
(or `NotAllowed`) with a translated message and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Membership, Organisation
from covenant_hub.programme import agreement_files, audit, messages, permissions
from covenant_hub.programme.audit import NotAllowed, ProgrammeError
from covenant_hub.programme.labels import STATE_LABELS
from covenant_hub.programme.models import (
    COMMITMENTS,
    NETWORK_KINDS,
    OPEN_STATES,
    SupporterApplication,
)

# step -> (states it may start from, state it leads to, refusal when the state is wrong)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, Any]] = {
    "accept": (
        ("submitted",),
        "accepted",
        _l("Only an application waiting for review can be accepted; this one is: %(state)s."),
    ),
    "reject": (
        ("submitted", "info_requested"),
        "rejected",
        _l("Only an application under review can be rejected; this one is: %(state)s."),
    ),
    "request_info": (
        ("submitted",),
        "info_requested",
        _l(
            "More information can only be asked while an application waits for "
            "review; this one is: %(state)s."
        ),
    ),
    "answer": (
        ("info_requested",),
        "submitted",
        _l("There is no open question to answer on this application; it is: %(state)s."),
    ),
    "complete_agreement": (
        ("accepted",),
        "agreement_completed",
        _l(
            "The agreement form can only be completed after staff found the "
            "network eligible; the application is: %(state)s."
        ),
    ),
    "record_agreement": (
        ("agreement_completed",),
        "live",
        _l(
            "A signed agreement can only be recorded once the network has "
            "completed the agreement form; the application is: %(state)s."
        ),
    ),
}
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
COUNTRY_CODE = re.compile(r"^[a-z]{2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 4000


@dataclass
class ApplicationInput:
    """What the expression-of-interest form (or a demo seed) hands to `submit_application`."""

    network_name: str
    network_kind: str
    member_count: int
    contact_name: str
    contact_email: str
    country: str | None = None
    languages: list[str] = field(default_factory=list)
    regions: str = ""
    motivation: str = ""
    org_id: int | None = None


def _move(application: SupporterApplication, step: str) -> None:
    sources, target, refusal = TRANSITIONS[step]
    if application.state not in sources:
        raise ProgrammeError(str(refusal) % {"state": STATE_LABELS.get(application.state, application.state)})
    application.state = target


def _required_text(value: str | None, message: str, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if not text or len(text) > limit:
        raise ProgrammeError(message)
    return text


def _validate(actor: Actor, data: ApplicationInput) -> ApplicationInput:
    """Refuse what the database should never hold; return tidied input."""
    data.network_name = _required_text(
        data.network_name, _("Give the network's name (at most 300 characters)."), 300
    )
    data.contact_name = _required_text(data.contact_name, _("Give a contact person's name."), 200)
    data.contact_email = (data.contact_email or "").strip()
    if not EMAIL.match(data.contact_email) or len(data.contact_email) > 254:
        raise ProgrammeError(_("Give a valid contact e-mail address."))
    if data.network_kind not in NETWORK_KINDS:
        raise ProgrammeError(_("Choose the kind of network."))
    if not isinstance(data.member_count, int) or not 1 <= data.member_count <= 1_000_000:
        raise ProgrammeError(_("The number of members must be between 1 and 1,000,000."))
    if data.country and not COUNTRY_CODE.match(data.country):
        raise ProgrammeError(_("Choose a country from the list."))
    data.languages = sorted({code.strip().lower() for code in data.languages if code.strip()})
    if not data.languages or not all(LANGUAGE_CODE.match(code) for code in data.languages):
        raise ProgrammeError(_("List the network's languages as two-letter codes, such as ky, ru, en."))
    data.regions = _required_text(data.regions, _("Say which regions the network covers."))
    data.motivation = _required_text(
        data.motivation, _("Tell us why the network wants to become a supporter.")
    )
    if data.org_id is not None:
        org = db.session.get(Organisation, data.org_id)
        if org is None or permissions.org_role(actor, org) != "org_admin":
            raise ProgrammeError(_("You can only apply for an organisation you administer."))
    return data


def open_application_of(user: Actor) -> SupporterApplication | None:
    return db.session.scalar(
        select(SupporterApplication).where(
            SupporterApplication.user_id == user.id, SupporterApplication.state.in_(OPEN_STATES)
        )
    )


def submit_application(actor: Actor, data: ApplicationInput) -> SupporterApplication:
    """File an expression of interest; staff are told, the applicant gets a receipt."""
    if not permissions.can_apply(actor):
        raise NotAllowed(_("Log in with a confirmed account to apply."))
    data = _validate(actor, data)
    if open_application_of(actor) is not None:
        raise ProgrammeError(
            _("You already have an application in progress; follow it on your applications page.")
        )
    application = SupporterApplication(
        user_id=actor.id,
        org_id=data.org_id,
        network_name=data.network_name,
        country=data.country,
        network_kind=data.network_kind,
        member_count=data.member_count,
        languages=data.languages,
        regions=data.regions,
        motivation=data.motivation,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        state="submitted",
    )
    db.session.add(application)
    db.session.flush()
    audit.record(actor, "application_submitted", application=application, network=data.network_name)
    db.session.commit()
    messages.application_submitted(application)
    return application


def _require_reviewer(actor: Actor) -> None:
    if not permissions.can_review_application(actor):
        raise NotAllowed(_("Only Covenant of Mayors Office staff review applications."))


def accept_application(actor: Actor, application: SupporterApplication, notes: str = "") -> None:
    """Staff find the network eligible; it may now complete the agreement form."""
    _require_reviewer(actor)
    _move(application, "accept")
    application.review_notes = (notes or "").strip()[:MAX_TEXT] or None
    audit.record(actor, "application_accepted", application=application, notes=application.review_notes)
    db.session.commit()
    messages.application_decided(application)


def reject_application(actor: Actor, application: SupporterApplication, reason: str) -> None:
    """Staff find the network not eligible; the reason is shown to the applicant."""
    _require_reviewer(actor)
    reason = _required_text(reason, _("Give the reason why the network is not eligible."))
    _move(application, "reject")
    application.rejection_reason = reason
    audit.record(actor, "application_rejected", application=application, reason=reason)
    db.session.commit()
    messages.application_decided(application)


def request_information(actor: Actor, application: SupporterApplication, question: str) -> None:
    """Staff ask the applicant for more before deciding."""
    _require_reviewer(actor)
    question = _required_text(question, _("Write the question the applicant should answer."))
    _move(application, "request_info")
    application.info_request, application.info_response = question, None
    audit.record(actor, "information_requested", application=application, question=question)
    db.session.commit()
    messages.application_decided(application)


def answer_information(actor: Actor, application: SupporterApplication, answer: str) -> None:
    """The applicant answers; the application goes back to staff for review."""
    if not permissions.can_answer_application(actor, application):
        raise NotAllowed(_("Only the person who filed the application can answer."))
    answer = _required_text(answer, _("Write your answer to the question."))
    _move(application, "answer")
    application.info_response = answer
    audit.record(actor, "information_given", application=application, answer=answer)
    db.session.commit()
    messages.application_answered(application)


def complete_agreement(actor: Actor, application: SupporterApplication, acknowledged: list[str]) -> None:
    """The network acknowledges each of the six commitments; admins are asked to sign."""
    if not permissions.can_complete_agreement(actor, application):
        raise NotAllowed(_("Only the person who filed the application can complete the agreement."))
    if set(acknowledged) != set(COMMITMENTS):
        raise ProgrammeError(_("Acknowledge each of the six commitments to complete the agreement."))
    _move(application, "complete_agreement")
    application.acknowledged = list(COMMITMENTS)
    application.agreement_completed_at = utcnow()
    audit.record(actor, "agreement_completed", application=application)
    db.session.commit()
    messages.agreement_completed(application)


def record_agreement(
    actor: Actor,
    application: SupporterApplication,
    signed_on: date | None,
    signatory_name: str,
    upload: tuple[str, IO[bytes]] | None = None,
) -> Organisation:
    """An admin records the signature; the supporter goes live with its applicant as org admin."""
    if not permissions.can_record_agreement(actor):
        raise NotAllowed(_("Only an administrator can record a signed agreement."))
    signatory_name = _required_text(signatory_name, _("Give the name of the person who signed."), 200)
    if signed_on is None or signed_on > utcnow().date():
        raise ProgrammeError(_("Give the date of signature; it cannot be in the future."))
    _move(application, "record_agreement")
    stored = agreement_files.store(application, upload) if upload is not None else None
    application.signed_on, application.signatory_name = signed_on, signatory_name
    org = _activate(application)
    audit.record(
        actor,
        "agreement_recorded",
        org=org,
        application=application,
        signed_on=signed_on.isoformat(),
        signatory=signatory_name,
        file=application.agreement_file_name,
    )
    audit.record(actor, "supporter_live", org=org, application=application)
    try:
        db.session.commit()
    except Exception:
        agreement_files.discard(stored)
        raise
    messages.supporter_live(application, org)
    return org


def _unique_external_id(application: SupporterApplication) -> str:
    base = f"supporter-{application.id}"
    candidate, number = base, 1
    while db.session.scalar(select(Organisation.id).where(Organisation.external_id == candidate)):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _activate(application: SupporterApplication) -> Organisation:
    """Create the supporter organisation (or turn the applicant's own into one)."""
    org = application.organisation
    if org is None:
        org = Organisation(
            external_id=_unique_external_id(application),
            name=application.network_name,
            country=application.country,
            languages=list(application.languages),
            sectors=[],
            commitments=[],
            is_sample=application.is_sample,
        )
        db.session.add(org)
    org.kind, org.status, org.joined = "supporter", "active", application.signed_on
    db.session.flush()
    application.org_id = org.id
    if application.user_id is not None:
        membership = db.session.get(Membership, (application.user_id, org.id))
        if membership is None:
            db.session.add(Membership(user_id=application.user_id, org_id=org.id, role="org_admin"))
        else:
            membership.role = "org_admin"
    return org


def applications_for_staff(state: str | None = None) -> list[SupporterApplication]:
    query = select(SupporterApplication).order_by(SupporterApplication.updated_at.desc())
    if state:
        query = query.where(SupporterApplication.state == state)
    return list(db.session.scalars(query))


def applications_of(user: Actor) -> list[SupporterApplication]:
    return list(
        db.session.scalars(
            select(SupporterApplication)
            .where(SupporterApplication.user_id == user.id)
            .order_by(SupporterApplication.created_at.desc())
        )
    )
