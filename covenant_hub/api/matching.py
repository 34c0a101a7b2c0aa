"""/api/v1/match-requests and /api/v1/orgs/<id>/recommendations.

Writes use the session and keep CSRF protection (browsers send the token as X-CSRFToken).
Errors are JSON: {"error": {"code", "message"}}.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from covenant_hub.api.blueprint import bp
from covenant_hub.errors import error_response
from covenant_hub.extensions import db
from covenant_hub.matching import permissions as perm
from covenant_hub.matching import queries, workflow
from covenant_hub.matching.engine.ranker import RECOMMENDABLE
from covenant_hub.matching.models import MatchRequest
from covenant_hub.orgs import services

MAX_TOP = 50


def _denied() -> Any:
    if not current_user.is_authenticated:
        return error_response(401, _("Log in first."))
    return error_response(403, _("You may not do this."))


def _strings(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise workflow.WorkflowError(_("%(field)s must be a list of strings.", field=name))
    return value


def _parse(body: Any) -> workflow.RequestInput:
    if not isinstance(body, dict):
        raise workflow.WorkflowError(_("Send a JSON object."))
    text, max_km = body.get("text", ""), body.get("max_km")
    if not isinstance(text, str):
        raise workflow.WorkflowError(_("%(field)s must be a string.", field="text"))
    if max_km is not None and (not isinstance(max_km, int) or isinstance(max_km, bool)):
        raise workflow.WorkflowError(_("%(field)s must be a whole number.", field="max_km"))
    return workflow.RequestInput(
        text, _strings(body, "kinds"), _strings(body, "sectors"), _strings(body, "languages"), max_km
    )


@bp.route("/match-requests", methods=["POST"])
def create_match_request() -> Any:
    """Body: {"org", "text", "kinds", "sectors", "languages", "max_km"}; 201 with the proposals."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(400, _("Send a JSON object."))
    org = services.get_org(str(body.get("org", "")))
    if org is None:
        return error_response(404, _("No organisation with the id %(id)s.", id=str(body.get("org", ""))))
    try:
        match_request = workflow.file_request(org, current_user, _parse(body))
    except workflow.NotAllowed:
        return _denied()
    except workflow.WorkflowError as error:
        return error_response(400, str(error))
    return jsonify(queries.request_json(match_request)), 201


@bp.route("/match-requests/<int:request_id>")
def get_match_request(request_id: int) -> Any:
    match_request = db.session.get(MatchRequest, request_id)
    if match_request is None:
        return error_response(404, _("No match request with the id %(id)s.", id=request_id))
    if not perm.can_view_request(current_user, match_request):
        return _denied()
    return jsonify(queries.request_json(match_request))


@bp.route("/orgs/<external_id>/recommendations")
def get_recommendations(external_id: str) -> Any:
    """`?kind=signatory|candidate|supporter|coordinator&top=10`, for the organisation's members."""
    org = services.get_org(external_id)
    if org is None:
        return error_response(404, _("No organisation with the id %(id)s.", id=external_id))
    if not perm.can_view_recommendations(current_user, org):
        return _denied()
    kind, top = request.args.get("kind", ""), request.args.get("top", "10")
    if kind not in RECOMMENDABLE:
        return error_response(400, _("kind must be one of: %(kinds)s.", kinds=", ".join(RECOMMENDABLE)))
    if not top.isdigit() or not 1 <= int(top) <= MAX_TOP:
        return error_response(400, _("top must be a whole number from 1 to %(num)d.", num=MAX_TOP))
    lists = queries.recommendation_lists(org, (kind,), int(top))
    items = [{**match.as_json(), "reasons_text": text} for _o, match, text in lists[0].items]
    return jsonify({"org": org.external_id, "kind": kind, "items": items})
