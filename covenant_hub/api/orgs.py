"""/api/v1/orgs: the directory as JSON, with the interchange format's field names."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from covenant_hub.api.blueprint import bp
from covenant_hub.api.envelope import fail
from covenant_hub.api.paging import page_size
from covenant_hub.api.schemas.orgs import OrgOut, OrgPage, OrgQuery
from covenant_hub.api.spec import api_spec, responses
from covenant_hub.orgs import services
from covenant_hub.orgs.bulk import ORG_FIELDS
from covenant_hub.orgs.directory import DirectoryQuery, search_directory
from covenant_hub.orgs.models import Organisation

FILTERS = ("kind", "country", "sector", "commitment", "status", "band", "language")


def org_json(org: Organisation) -> dict[str, Any]:
    """Every interchange field (null when unknown), with the external id as "id"."""
    record: dict[str, Any] = {"id": org.external_id}
    for name in ORG_FIELDS:
        value = getattr(org, name)
        record[name] = value.isoformat() if isinstance(value, date) else value
    for name in ("languages", "sectors", "commitments"):
        record[name] = list(record[name] or [])
    return record


@bp.route("/orgs")
@api_spec.validate(resp=responses(HTTP_200=OrgPage), tags=["organisations"])
def list_orgs(query: OrgQuery) -> Any:
    """The directory: organisations of every kind, with its filters, sorted and paged."""
    values = {name: getattr(query, name) for name in FILTERS}
    directory_query = DirectoryQuery(
        **values, q=(query.q or "").strip() or None, sort=query.sort, page=query.page,
        per_page=page_size(query),
    )  # fmt: skip
    page = search_directory(directory_query)
    return OrgPage(
        total=page.total, page=page.page, per_page=page.per_page, pages=page.pages,
        items=[OrgOut.model_validate(org_json(org)) for org in page.items],
    )  # fmt: skip


@bp.route("/orgs/<external_id>")
@api_spec.validate(resp=responses(HTTP_200=OrgOut), tags=["organisations"])
def get_org(external_id: str) -> Any:
    """One organisation by its id."""
    org = services.get_org(external_id)
    if org is None or not org.is_listed:
        fail(404, _("No organisation with the id %(id)s.", id=external_id))
    return OrgOut.model_validate(org_json(org))
