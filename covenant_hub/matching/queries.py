"""Read-only helpers for the matching pages and API: lists, rendered reasons, the picture.

Nothing here writes, so every GET page can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from covenant_hub import vocabularies as vocab
from covenant_hub.extensions import db
from covenant_hub.matching import service
from covenant_hub.matching.engine.ranker import RECOMMENDABLE, UnknownOrganisation, recommend
from covenant_hub.matching.models import Invitation, MatchRequest, Proposal
from covenant_hub.matching.network_svg import build_network, render_svg
from covenant_hub.orgs.labels import LINK_LABELS
from covenant_hub.orgs.models import Organisation

RECOMMENDATIONS_PER_KIND = 5


def render(reasons: list[dict[str, Any]]) -> list[str]:
    """Reasons in the page's language, with sector, language and country codes named too."""
    named = []
    for reason in reasons:
        params = dict(reason.get("params", {}))
        if "sectors" in params:
            params["sectors"] = [vocab.label(vocab.SECTOR_LABELS, code) for code in params["sectors"]]
        if "language" in params:
            params["language"] = vocab.language_name(params["language"])
        if params.get("country"):
            params["country"] = vocab.country_name(params["country"])
        named.append({"code": reason["code"], "params": params})
    return service.render_reasons(named)


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
    return [ProposalRow(p, render(p.reasons), invitations.get(p.candidate_id)) for p in proposals]


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
    model = service.get_model()
    net = build_network(model, request.org_id, [p.candidate_id for p in request.proposals])
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
) -> list[KindList]:
    """The engine's top lists per kind for an organisation's "who could help" page: one model
    read and one query for the organisations, whatever the number of kinds."""
    model = service.get_model()
    found = {}
    for kind in kinds:
        try:
            found[kind] = recommend(model, org.id, kind, top)
        except UnknownOrganisation:
            found[kind] = []
    ids = [m.org_id for matches in found.values() for m in matches]
    orgs = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    return [
        KindList(kind, [(orgs.get(m.org_id), m, render(m.reasons)) for m in matches])
        for kind, matches in found.items()
    ]
