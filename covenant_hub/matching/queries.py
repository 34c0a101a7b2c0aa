"""Read-only helpers for the matching pages and API: lists, rendered reasons, the picture.

Nothing here writes, so every GET page can use it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from covenant_hub import vocabularies as vocab
from covenant_hub.extensions import db
from covenant_hub.i18n import current_language
from covenant_hub.library.models import Practice
from covenant_hub.matching import service
from covenant_hub.matching.engine.model import MatchModel
from covenant_hub.matching.engine.ranker import RECOMMENDABLE, Match, UnknownOrganisation, recommend
from covenant_hub.matching.models import ExchangeOutcome, Invitation, MatchRequest, Proposal
from covenant_hub.matching.network_svg import build_network, render_svg
from covenant_hub.orgs.labels import LINK_LABELS
from covenant_hub.orgs.models import Organisation

RECOMMENDATIONS_PER_KIND = 5
log = logging.getLogger(__name__)


def render(reasons: list[dict[str, Any]]) -> list[str]:
    """Reasons in the page's language, with sector, language and country codes named too."""
    return render_many([reasons])[0]


def render_many(lists: list[list[dict[str, Any]]]) -> list[list[str]]:
    """Several candidates' reasons at once: a quoted practice is named by its version in the
    page's language where one is published (one query for every list), else as it was quoted."""
    quoted = {
        r["params"]["practice"]
        for reasons in lists
        for r in reasons
        if r["code"] == "published_practice" and "practice" in r.get("params", {})
    }
    titles = _titles(quoted) if quoted else {}
    return [service.render_reasons([_named(r, titles) for r in reasons]) for reasons in lists]


def _titles(practice_ids: set[int]) -> dict[int, str]:
    from covenant_hub.library.queries import titles_in_language  # the library domain is optional

    return titles_in_language(practice_ids, current_language())


def _named(reason: dict[str, Any], titles: dict[int, str]) -> dict[str, Any]:
    params = dict(reason.get("params", {}))
    if "sectors" in params:
        params["sectors"] = [vocab.label(vocab.SECTOR_LABELS, code) for code in params["sectors"]]
    if "language" in params:
        params["language"] = vocab.language_name(params["language"])
    if params.get("country"):
        params["country"] = vocab.country_name(params["country"])
    if params.get("practice") in titles:
        params["title"] = titles[params["practice"]]
    return {"code": reason["code"], "params": params}


@dataclass
class ProposalRow:
    proposal: Proposal
    reasons: list[str]
    invitation: Invitation | None


def proposal_rows(request: MatchRequest) -> list[ProposalRow]:
    """The request page's proposals, their candidates loaded with them (not one query each)."""
    invitations = {i.invitee_id: i for i in request.invitations}
    proposals = db.session.scalars(
        select(Proposal)
        .options(joinedload(Proposal.candidate))
        .where(Proposal.request_id == request.id)
        .order_by(Proposal.rank)
    )
    proposals = list(proposals)
    texts = render_many([p.reasons for p in proposals])
    return [
        ProposalRow(p, text, invitations.get(p.candidate_id))
        for p, text in zip(proposals, texts, strict=True)
    ]


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.candidate.external_id,
        "name": proposal.candidate.name,
        "kind": proposal.kind,
        "rank": proposal.rank,
        "score": round(proposal.score, 4),
        "reasons": proposal.reasons,
        "reasons_text": render(proposal.reasons),
    }


def request_json(request: MatchRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "org": request.org.external_id,
        "text": request.text,
        "kinds": request.kinds,
        "sectors": request.sectors,
        "languages": request.languages,
        "max_km": request.max_km,
        "state": request.state,
        "created_at": request.created_at.isoformat(),
        "refreshed_at": request.refreshed_at.isoformat(),
        "proposals": [proposal_json(p) for p in request.proposals],
        "invitations": [{"org": i.invitee.external_id, "state": i.state} for i in request.invitations],
    }


def network_picture(request: MatchRequest) -> Markup:
    """The SVG for a request's page (empty markup when the requester is not in the model)."""
    try:
        model = service.get_model()
        net = build_network(model, request.org_id, [p.candidate_id for p in request.proposals])
    except Exception:  # noqa: BLE001 - a derived part: the page shows the request without it
        log.exception("the network picture of match request %s could not be drawn", request.id)
        return Markup("")
    if not net.nodes:
        return Markup("")
    kind_labels = {kind: str(label) for kind, label in LINK_LABELS.items()}
    title = _("%(name)s, its proposals and what connects them", name=request.org.name)
    return render_svg(net, title, kind_labels)


def requests_of(org_ids: list[int]) -> list[MatchRequest]:
    if not org_ids:
        return []
    return list(
        db.session.scalars(
            select(MatchRequest)
            .options(joinedload(MatchRequest.org))
            .where(MatchRequest.org_id.in_(org_ids))
            .order_by(MatchRequest.created_at.desc())
        )
    )


def incoming_invitations(org_ids: list[int]) -> list[Invitation]:
    if not org_ids:
        return []
    return list(
        db.session.scalars(
            select(Invitation)
            .options(
                joinedload(Invitation.request).joinedload(MatchRequest.org),
                joinedload(Invitation.invitee),
            )
            .where(Invitation.invitee_id.in_(org_ids))
            .order_by(Invitation.created_at.desc())
        )
    )


def exchanges_of(org_id: int) -> list[Invitation]:
    """Accepted invitations on either side of this organisation."""
    return list(
        db.session.scalars(
            select(Invitation)
            .join(MatchRequest, MatchRequest.id == Invitation.request_id)
            .where(
                Invitation.state == "accepted",
                or_(Invitation.invitee_id == org_id, MatchRequest.org_id == org_id),
            )
            .order_by(Invitation.answered_at.desc())
        )
    )


@dataclass(frozen=True)
class PublicOutcome:
    """What a profile may show anyone of an exchange's outcome: who with, the practice replicated."""

    partner: Organisation
    practice: Practice
    recorded: datetime


def public_outcomes_of(org_id: int, limit: int = 10) -> list[PublicOutcome]:
    """Outcomes of this organisation's exchanges that replicated a published practice (the
    notes of what was learned stay on the invitation page, for the two sides)."""
    query = (
        select(ExchangeOutcome)
        .join(Invitation, Invitation.id == ExchangeOutcome.invitation_id)
        .join(MatchRequest, MatchRequest.id == Invitation.request_id)
        .join(Practice, Practice.id == ExchangeOutcome.practice_id)
        .options(
            joinedload(ExchangeOutcome.invitation)
            .joinedload(Invitation.request)
            .joinedload(MatchRequest.org),
            joinedload(ExchangeOutcome.invitation).joinedload(Invitation.invitee),
            joinedload(ExchangeOutcome.practice),
        )  # fmt: skip
        .where(
            Invitation.state == "accepted",
            Practice.state == "published",
            or_(Invitation.invitee_id == org_id, MatchRequest.org_id == org_id),
        )
        .order_by(ExchangeOutcome.created_at.desc())
        .limit(limit)
    )
    found = []
    for outcome in db.session.scalars(query).unique():
        invitation = outcome.invitation
        partner = invitation.invitee if invitation.request.org_id == org_id else invitation.request.org
        found.append(PublicOutcome(partner, outcome.practice, outcome.created_at))
    return found


def all_requests(limit: int = 200) -> list[MatchRequest]:
    """The staff list; what each row shows is loaded with it, not by one query per row."""
    return list(
        db.session.scalars(
            select(MatchRequest)
            .options(
                joinedload(MatchRequest.org),
                selectinload(MatchRequest.proposals),
                selectinload(MatchRequest.invitations),
            )
            .order_by(MatchRequest.created_at.desc())
            .limit(limit)
        )
    )


def all_exchanges(limit: int = 200) -> list[Invitation]:
    """The staff list of exchanges, with both sides and the outcomes loaded at once."""
    return list(
        db.session.scalars(
            select(Invitation)
            .options(
                joinedload(Invitation.request).joinedload(MatchRequest.org),
                joinedload(Invitation.invitee),
                selectinload(Invitation.outcomes),
            )
            .where(Invitation.state == "accepted")
            .order_by(Invitation.answered_at.desc())
            .limit(limit)
        )
    )


def practice_choices() -> list[tuple[str, str]]:
    from covenant_hub.library.models import Practice

    rows = db.session.execute(
        select(Practice.id, Practice.title)
        .where(Practice.state == "published")
        .order_by(Practice.title)
        .limit(500)
    )
    return [("", _("None"))] + [(str(pid), title) for pid, title in rows]


@dataclass
class KindList:
    kind: str
    items: list[tuple[Organisation | None, Any, list[str]]]


def recommendation_lists(
    org: Organisation, kinds: tuple[str, ...] = RECOMMENDABLE, top: int = RECOMMENDATIONS_PER_KIND
) -> list[KindList] | None:
    """The engine's top lists per kind for an organisation's "who could help" page: one model
    read and one query for the organisations, whatever the number of kinds. None (logged) when
    the model cannot be built or read: it is derived, so the page says so instead of failing."""
    try:
        found = _recommended(service.get_model(), org.id, kinds, top)
    except Exception:  # noqa: BLE001 - the match model is derived data: degrade, never break
        log.exception("recommendations for %s are unavailable", org.external_id)
        return None
    ids = [m.org_id for matches in found.values() for m in matches]
    orgs = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    texts = iter(render_many([m.reasons for matches in found.values() for m in matches]))
    return [
        KindList(kind, [(orgs.get(m.org_id), m, next(texts)) for m in matches])
        for kind, matches in found.items()
    ]


def _recommended(model: MatchModel, org_id: int, kinds: tuple[str, ...], top: int) -> dict[str, list[Match]]:
    found: dict[str, list[Match]] = {}
    for kind in kinds:
        try:
            found[kind] = recommend(model, org_id, kind, top)
        except UnknownOrganisation:
            found[kind] = []
    return found
