"""/api/v1/match-requests, /invitations and /orgs/<id>/recommendations.

Every write runs the matching workflow (`file_request`, `answer`) after the permission the
pages check (`can_file_request`, `can_answer_invitation`).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user

from covenant_hub.api import bp, paging
from covenant_hub.api.envelope import denied, fail
from covenant_hub.api.schemas.common import PageQuery
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


@bp.route("/match-requests")
@api_spec.validate(resp=responses(HTTP_200=MatchRequestPage), tags=["matching"])
def list_match_requests(query: PageQuery) -> Any:
    """Requests of the organisations the caller administers, newest first."""
    items = queries.requests_of(_admin_org_ids())
    return MatchRequestPage(**paging.page_of_list(items, query, queries.request_json))


@bp.route("/match-requests", methods=["POST"])
@api_spec.validate(resp=responses(HTTP_201=MatchRequestOut), tags=["matching"])
def create_match_request(json: MatchRequestIn) -> Any:
    """File a request for an organisation the caller administers; 201 with the proposals."""
    org = services.get_org(json.org)
    if org is None:
        fail(404, _("No organisation with the id %(id)s.", id=json.org))
    if not perm.can_file_request(current_user, org):
        denied(current_user)
    data = workflow.RequestInput(
        json.text, list(json.kinds), list(json.sectors), list(json.languages), json.max_km
    )
    try:
        match_request = workflow.file_request(org, current_user, data)
    except workflow.WorkflowError as error:
        fail(400, str(error))
    return queries.request_json(match_request), 201


@bp.route("/match-requests/<int:request_id>")
@api_spec.validate(resp=responses(HTTP_200=MatchRequestOut), tags=["matching"])
def get_match_request(request_id: int) -> Any:
    """One request with its proposals (and their reasons) and the invitations sent."""
    match_request = db.session.get(MatchRequest, request_id)
    if match_request is None:
        fail(404, _("No match request with the id %(id)s.", id=request_id))
    if not perm.can_view_request(current_user, match_request):
        denied(current_user)
    return queries.request_json(match_request)


@bp.route("/invitations")
@api_spec.validate(resp=responses(HTTP_200=InvitationPage), tags=["matching"])
def list_invitations(query: InvitationQuery) -> Any:
    """Invitations to the organisations the caller administers, newest first."""
    items = queries.incoming_invitations(_admin_org_ids())
    if query.state:
        items = [i for i in items if i.state == query.state]
    return InvitationPage(**paging.page_of_list(items, query, _invitation))


@bp.route("/invitations/<int:invitation_id>/answer", methods=["POST"])
@api_spec.validate(resp=responses(HTTP_200=InvitationOut), tags=["matching"])
def answer_invitation(invitation_id: int, json: AnswerIn) -> Any:
    """Accept (the two organisations become exchange partners) or decline, with a message."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not perm.can_view_invitation(current_user, invitation):
        if not current_user.is_authenticated:
            denied(current_user)
        fail(404, _("No invitation with the id %(id)s.", id=invitation_id))
    if not perm.can_answer_invitation(current_user, invitation):
        denied(current_user)
    try:
        answered = workflow.answer(invitation, current_user, json.accept, json.message)
    except workflow.WorkflowError as error:
        fail(400, str(error))
    return _invitation(answered)


@bp.route("/orgs/<external_id>/recommendations")
@api_spec.validate(resp=responses(HTTP_200=RecommendationsOut), tags=["matching"])
def get_recommendations(external_id: str, query: RecommendationQuery) -> Any:
    """Who the organisation's members might ask, of one kind, with the reasons."""
    org = services.get_org(external_id)
    if org is None:
        fail(404, _("No organisation with the id %(id)s.", id=external_id))
    if not perm.can_view_recommendations(current_user, org):
        denied(current_user)
    lists = queries.recommendation_lists(org, (query.kind,), query.top)
    items = [{**match.as_json(), "reasons_text": text} for _o, match, text in lists[0].items]
    return {"org": org.external_id, "kind": query.kind, "items": items}
