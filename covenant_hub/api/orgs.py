"""/api/v1/orgs: the directory as JSON, with the interchange format's field names."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, current_app, jsonify, request

from covenant_hub.api.blueprint import bp
from covenant_hub.errors import error_response
from covenant_hub.orgs import services
from covenant_hub.orgs.bulk import ORG_FIELDS
from covenant_hub.orgs.directory import InvalidQuery, parse_query, search_directory
from covenant_hub.orgs.models import Organisation


def org_json(org: Organisation) -> dict[str, Any]:
    """Every interchange field (null when unknown), with the external id as "id"."""
    record: dict[str, Any] = {"id": org.external_id}
    for name in ORG_FIELDS:
        value = getattr(org, name)
        record[name] = value.isoformat() if isinstance(value, date) else value
    return record


@bp.route("/orgs")
def list_orgs() -> Any:
    """`?kind=&country=&q=&page=&per_page=` (and the directory's other filters)."""
    config = current_app.config
    try:
        query = parse_query(request.args, config["API_PAGE_SIZE"], config["API_MAX_PAGE_SIZE"])
    except InvalidQuery as error:
        return error_response(400, f"Invalid parameter {error.param!r}: {error.message}")
    page = search_directory(query)
    return jsonify({
        "total": page.total, "page": page.page, "per_page": page.per_page,
        "items": [org_json(org) for org in page.items],
    })


@bp.route("/orgs/<external_id>")
def get_org(external_id: str) -> Response | Any:
    org = services.get_org(external_id)
    if org is None:
        return error_response(404, f"No organisation with id {external_id!r}")
    return jsonify(org_json(org))
