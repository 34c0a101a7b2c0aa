"""/api/v1/match-requests, /invitations and /orgs/<id>/recommendations.

Every write runs the matching workflow (`file_request`, `answer`) after the permission the
pages check (`can_file_request`, `can_answer_invitation`).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user

from covenant_hub.api import paging
from covenant_hub.api.blueprint import bp
from covenant_hub.api.envelope import denied, fail
from covenant_hub.api.schemas.common import ErrorEnvelope, PageQuery
from covenant_hub.api.schemas.matching import (
    AnswerIn,
    InvitationOut,
    InvitationPage,
    InvitationQuery,
    MatchRequestIn,
    MatchRequestOut,
    MatchRequestPage,
    RecommendationQuery,
    RecommendationsOut,
)  # fmt: skip
from covenant_hub.api.spec import api_spec, responses
from covenant_hub.extensions import db
from covenant_hub.inputs import API_ID
from covenant_hub.matching import permissions as perm
from covenant_hub.matching import queries, workflow
from covenant_hub.matching.models import Invitation, MatchRequest
from covenant_hub.orgs import services


def _admin_org_ids() -> list[int]:
    """The organisations whose requests and invitations the caller handles."""
    if not current_user.is_authenticated:
        denied(current_user)
    return [m.org_id for m in current_user.memberships if perm.is_org_admin(current_user, m.org_id)]


def _invitation(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.id, request=invitation.request_id,
        requester=invitation.request.org.external_id, requester_name=invitation.request.org.name,
        request_text=invitation.request.text, invitee=invitation.invitee.external_id,
        message=invitation.message or "", state=invitation.state, answer=invitation.answer or "",
        created_at=invitation.created_at, answered_at=invitation.answered_at,
    )  # fmt: skip


def _request(match_request: MatchRequest) -> MatchRequestOut:
    """Through the model, so stored times (naive from SQLite) are written with their offset."""
    return MatchRequestOut.model_validate(queries.request_json(match_request))


@bp.route("/match-requests")
@api_spec.validate(resp=responses(HTTP_200=MatchRequestPage), tags=["matching"])
def list_match_requests(query: PageQuery) -> Any:
    """Requests of the organisations the caller administers, newest first."""
    items = queries.requests_of(_admin_org_ids())
    return MatchRequestPage(**paging.page_of_list(items, query, _request))


@bp.route("/match-requests", methods=["POST"])
@api_spec.validate(resp=responses(HTTP_201=MatchRequestOut), tags=["matching"])
def create_match_request(json: MatchRequestIn) -> Any:
    """File a request for an organisation the caller administers; 201 with the proposals."""
    org = services.get_org(json.org)
    if org is None:
        fail(404, _("No organisation with the id %(id)s.", id=json.org))
    data = workflow.RequestInput(
        json.text, list(json.kinds), list(json.sectors), list(json.languages), json.max_km
    )
    try:
        match_request = workflow.file_request(org, current_user, data)
    except workflow.NotAllowed:
        denied(current_user)
    except workflow.WorkflowError as error:
        fail(400, str(error))
    return _request(match_request), 201


@bp.route(f"/match-requests/<{API_ID}:request_id>")
@api_spec.validate(resp=responses(HTTP_200=MatchRequestOut), tags=["matching"])
def get_match_request(request_id: int) -> Any:
    """One request with its proposals (and their reasons) and the invitations sent."""
    match_request = db.session.get(MatchRequest, request_id)
    if match_request is None:
        fail(404, _("No match request with the id %(id)s.", id=request_id))
    if not perm.can_view_request(current_user, match_request):
        denied(current_user)
    return _request(match_request)


@bp.route("/invitations")
@api_spec.validate(resp=responses(HTTP_200=InvitationPage), tags=["matching"])
def list_invitations(query: InvitationQuery) -> Any:
    """Invitations to the organisations the caller administers, newest first."""
    items = queries.incoming_invitations(_admin_org_ids())
    if query.state:
        items = [i for i in items if i.state == query.state]
    return InvitationPage(**paging.page_of_list(items, query, _invitation))


@bp.route(f"/invitations/<{API_ID}:invitation_id>/answer", methods=["POST"])
@api_spec.validate(resp=responses(HTTP_200=InvitationOut), tags=["matching"])
def answer_invitation(invitation_id: int, json: AnswerIn) -> Any:
    """Accept (the two organisations become exchange partners) or decline, with a message."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not perm.can_view_invitation(current_user, invitation):
        if not current_user.is_authenticated:
            denied(current_user)
        fail(404, _("No invitation with the id %(id)s.", id=invitation_id))
    try:
        answered = workflow.answer(invitation, current_user, json.accept, json.message)
    except workflow.NotAllowed:
        denied(current_user)
    except workflow.WorkflowError as error:
        fail(400, str(error))
    return _invitation(answered)


@bp.route("/orgs/<external_id>/recommendations")
@api_spec.validate(resp=responses(HTTP_200=RecommendationsOut, HTTP_503=ErrorEnvelope), tags=["matching"])
def get_recommendations(external_id: str, query: RecommendationQuery) -> Any:
    """Who the organisation's members might ask, of one kind, with the reasons."""
    org = services.get_org(external_id)
    if org is None:
        fail(404, _("No organisation with the id %(id)s.", id=external_id))
    if not perm.can_view_recommendations(current_user, org):
        denied(current_user)
    lists = queries.recommendation_lists(org, (query.kind,), query.top)
    if lists is None:
        fail(503, _("Recommendations are unavailable right now. Please try again in a few minutes."))
    items = [{**match.as_json(), "reasons_text": text} for _o, match, text in lists[0].items]
    return {"org": org.external_id, "kind": query.kind, "items": items}
