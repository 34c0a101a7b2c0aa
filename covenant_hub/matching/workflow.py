"""The match-request workflow as plain functions: file, refresh, invite, answer, follow up.

Views and the API call these; each checks the permission (matching/permissions.py), validates,
writes, commits and then notifies, so a page and the API can never disagree on who may do what.
A refusal raises `NotAllowed`, bad input `WorkflowError`, with a translated message, before
anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from covenant_hub import errors
from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.errors import DomainError
from covenant_hub.extensions import db
from covenant_hub.matching import notices, service
from covenant_hub.matching import permissions as perm
from covenant_hub.matching.engine.proposals import RequestQuery, rank_for_request
from covenant_hub.matching.models import WANTED_KINDS, ExchangeOutcome, Invitation, MatchRequest, Proposal
from covenant_hub.matching.snapshot import link_record, org_record
from covenant_hub.orgs.models import Organisation, OrgLink
from covenant_hub.vocabularies import SECTORS

MAX_TEXT = 5000
MAX_MESSAGE = 2000
MAX_KM = 20000
TOPIC_CHARS = 300


class WorkflowError(DomainError):
    """A step that cannot be taken; the message is translated and safe to show."""


class NotAllowed(WorkflowError, errors.NotAllowed):
    """The person may not take this step at all (pages answer 403, the API 401 or 403)."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("You do not have permission to do this."))


@dataclass
class RequestInput:
    """What a city asks for, from a form or a JSON body."""

    text: str
    kinds: list[str]
    sectors: list[str]
    languages: list[str]
    max_km: int | None = None


def validate_request(data: RequestInput) -> RequestInput:
    """Trimmed and checked input, or WorkflowError."""
    text = (data.text or "").strip()
    if not text:
        raise WorkflowError(_("Describe what you need."))
    if len(text) > MAX_TEXT:
        raise WorkflowError(_("The description is too long (at most %(num)d characters).", num=MAX_TEXT))
    if not data.kinds or any(kind not in WANTED_KINDS for kind in data.kinds):
        raise WorkflowError(_("Choose at least one kind of organisation to look for."))
    if any(sector not in SECTORS for sector in data.sectors):
        raise WorkflowError(_("Unknown sector."))
    languages = [code.strip().lower() for code in data.languages if code.strip()]
    if any(len(code) != 2 or not code.isalpha() for code in languages):
        raise WorkflowError(_("Languages are two-letter codes such as ky, ru or en."))
    if data.max_km is not None and not 1 <= data.max_km <= MAX_KM:
        raise WorkflowError(_("The distance must be between 1 and %(num)d km.", num=MAX_KM))
    kinds = [kind for kind in WANTED_KINDS if kind in data.kinds]
    return RequestInput(
        text, kinds, list(dict.fromkeys(data.sectors)), list(dict.fromkeys(languages)), data.max_km
    )


def file_request(org: Organisation, user: Actor, data: RequestInput) -> MatchRequest:
    """Store the request and the proposals the engine makes for it now."""
    _require(perm.can_file_request(user, org))
    clean = validate_request(data)
    request = MatchRequest(
        org_id=org.id,
        created_by_id=getattr(user, "id", None),
        text=clean.text,
        kinds=clean.kinds,
        sectors=clean.sectors,
        languages=clean.languages,
        max_km=clean.max_km,
    )
    db.session.add(request)
    db.session.flush()
    _store_proposals(request)
    db.session.commit()
    return request


def refresh_proposals(request: MatchRequest, user: Actor) -> MatchRequest:
    """Replace the stored proposals with the model's current ranking."""
    _require(perm.can_refresh_proposals(user, request))
    for proposal in list(request.proposals):
        db.session.delete(proposal)
    db.session.flush()
    request.proposals = []
    _store_proposals(request)
    request.refreshed_at = utcnow()
    db.session.commit()
    return request


def close_request(request: MatchRequest, user: Actor) -> MatchRequest:
    """The city found what it needed: no more invitations or refreshes."""
    _require(perm.can_close_request(user, request))
    request.state = "closed"
    db.session.commit()
    return request


def _store_proposals(request: MatchRequest) -> None:
    model = service.get_model()
    _ensure_in_model(model, request.org_id)
    query = RequestQuery(
        org_id=request.org_id,
        text=request.text,
        kinds=tuple(request.kinds),
        sectors=tuple(request.sectors),
        languages=tuple(request.languages),
        max_km=request.max_km,
    )
    drafts = rank_for_request(model, query)
    existing = set(
        db.session.scalars(select(Organisation.id).where(Organisation.id.in_([d.org_id for d in drafts])))
    )
    for rank, draft in enumerate((d for d in drafts if d.org_id in existing), start=1):
        request.proposals.append(
            Proposal(
                candidate_id=draft.org_id,
                kind=draft.kind,
                rank=rank,
                score=draft.score,
                reasons=draft.reasons,
            )
        )


def _ensure_in_model(model: Any, org_id: int) -> None:
    """An organisation created in another process since this one's build joins the model here,
    with its links, at the cost of that one organisation."""
    if org_id in model.graph.pos:
        return
    org = db.session.get(Organisation, org_id)
    if org is None:  # deleted meanwhile: nothing to add (its links went with it)
        return
    links = db.session.scalars(
        select(OrgLink).where(or_(OrgLink.source_id == org_id, OrgLink.target_id == org_id))
    )
    with service.state().lock:
        model.put_org(org_record(org))
        for link in links:
            if link.source_id in model.graph.pos and link.target_id in model.graph.pos:
                model.set_link(link_record(link))


def invite(request: MatchRequest, user: Actor, candidate_ids: list[int], message: str) -> list[Invitation]:
    """Invite proposed organisations; ones already invited are left as they are."""
    _require(perm.can_invite(user, request))
    message = _clean_message(message)
    proposed = {p.candidate_id for p in request.proposals}
    chosen = list(dict.fromkeys(candidate_ids))
    if not chosen:
        raise WorkflowError(_("Choose at least one proposal to invite."))
    if any(cid not in proposed for cid in chosen):
        raise WorkflowError(_("You can only invite organisations proposed for this request."))
    invited = {i.invitee_id for i in request.invitations}
    created = [
        Invitation(invitee_id=cid, message=message, invited_by_id=getattr(user, "id", None))
        for cid in chosen
        if cid not in invited
    ]
    request.invitations.extend(created)
    db.session.commit()
    for invitation in created:
        notices.tell_deciders(
            invitation.invitee_id,
            "match_invite",
            request.org.name,
            request.text,
            _path("matching.view_invitation", invitation_id=invitation.id),
        )
    return created


def _clean_message(message: str | None) -> str:
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise WorkflowError(_("The message is too long (at most %(num)d characters).", num=MAX_MESSAGE))
    return message


def answer(invitation: Invitation, user: Actor, accept: bool, message: str) -> Invitation:
    """Accept (the two organisations become exchange partners) or decline, with a message."""
    _require(perm.can_answer_invitation(user, invitation))
    message = _clean_message(message)
    if invitation.state != "pending":
        raise WorkflowError(_("This invitation has already been answered."))
    invitation.state = "accepted" if accept else "declined"
    invitation.answer = message
    invitation.answered_by_id = getattr(user, "id", None)
    invitation.answered_at = utcnow()
    if accept:
        invitation.link = _exchange_link(invitation)
    db.session.commit()
    kind = "match_accepted" if accept else "match_declined"
    notices.tell_admins(
        invitation.request.org_id,
        kind,
        invitation.invitee.name,
        invitation.request.text,
        _path("matching.view_request", request_id=invitation.request_id),
    )
    return invitation


def _exchange_link(invitation: Invitation) -> OrgLink:
    """The exchange between the two, reusing one recorded from either side."""
    a, b = invitation.request.org_id, invitation.invitee_id
    link = db.session.scalar(
        select(OrgLink).where(
            OrgLink.kind == "exchange",
            or_(
                (OrgLink.source_id == a) & (OrgLink.target_id == b),
                (OrgLink.source_id == b) & (OrgLink.target_id == a),
            ),
        )
    )
    if link is None:
        link = OrgLink(
            source_id=a,
            target_id=b,
            kind="exchange",
            since=utcnow().date(),
            topic=notices.short(invitation.request.text)[:TOPIC_CHARS],
        )
        db.session.add(link)
    return link


def record_outcome(
    invitation: Invitation, user: Actor, org_id: int, learned: str, practice_id: int | None
) -> ExchangeOutcome:
    """What one side learned and which practice it replicated; the engine sees it as that
    organisation's own work from the next commit on."""
    _require(perm.can_record_outcome(user, invitation))
    learned = (learned or "").strip()
    if invitation.state != "accepted":
        raise WorkflowError(_("Only an accepted invitation has an outcome."))
    if org_id not in (invitation.invitee_id, invitation.request.org_id):
        raise WorkflowError(_("Only the two partners of the exchange record its outcome."))
    if not learned and practice_id is None:
        raise WorkflowError(_("Say what you learned or choose the practice you replicated."))
    if len(learned) > MAX_TEXT:
        raise WorkflowError(_("The description is too long (at most %(num)d characters).", num=MAX_TEXT))
    if practice_id is not None and not _published_practice(practice_id):
        raise WorkflowError(_("Choose a published practice."))
    outcome = ExchangeOutcome(
        invitation_id=invitation.id,
        org_id=org_id,
        learned=learned,
        practice_id=practice_id,
        recorded_by_id=getattr(user, "id", None),
    )
    db.session.add(outcome)
    db.session.commit()
    feed_outcome(outcome)
    other = invitation.invitee_id if org_id == invitation.request.org_id else invitation.request.org_id
    notices.tell_admins(
        other,
        "match_outcome",
        db.session.get_one(Organisation, org_id).name,
        invitation.request.text,
        _path("matching.view_invitation", invitation_id=invitation.id),
    )
    return outcome


def _published_practice(practice_id: int) -> bool:
    from covenant_hub.library.models import Practice

    practice = db.session.get(Practice, practice_id)
    return practice is not None and practice.state == "published"


def _path(endpoint: str, **values: Any) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def feed_outcome(outcome: ExchangeOutcome) -> None:
    """Show a committed outcome to this process's model (rebuilds read it from the database)."""
    from covenant_hub.matching.snapshot import outcome_record

    holder = service.state()
    with holder.lock:
        if holder.model is not None and outcome.org_id in holder.model.graph.pos:
            service.apply_changes(holder.model, [("practice", outcome_record(outcome), True)])
