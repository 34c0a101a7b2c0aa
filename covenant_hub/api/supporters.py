"""GET /api/v1/services: what live supporters offer their members, as on their profiles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from covenant_hub.api import paging
from covenant_hub.api.blueprint import bp
from covenant_hub.api.schemas.orgs import ServiceOut, ServicePage, ServiceQuery
from covenant_hub.api.spec import api_spec, responses
from covenant_hub.orgs.models import Organisation
from covenant_hub.programme.models import SupporterService


def _service(service: SupporterService) -> ServiceOut:
    return ServiceOut(
        id=service.id, supporter=service.organisation.external_id,
        supporter_name=service.organisation.name, kind=service.service_type,
        languages=list(service.languages or []), regions=service.regions or "",
        description=service.description or "",
    )  # fmt: skip


@bp.route("/services")
@api_spec.validate(resp=responses(HTTP_200=ServicePage), tags=["supporters"])
def list_services(query: ServiceQuery) -> Any:
    """Services of supporters, as their profiles list them; `supporter=`, `kind=`, `language=` narrow it."""
    statement = (
        select(SupporterService)
        .join(Organisation, Organisation.id == SupporterService.org_id)
        .options(joinedload(SupporterService.organisation))
        .where(Organisation.kind == "supporter")
        .order_by(Organisation.name, SupporterService.service_type, SupporterService.id)
    )
    if query.supporter:
        statement = statement.where(Organisation.external_id == query.supporter)
    if query.kind:
        statement = statement.where(SupporterService.service_type == query.kind)
    items = list(paging.db.session.scalars(statement).unique())
    if query.language:
        items = [s for s in items if query.language in (s.languages or [])]
    return ServicePage(**paging.page_of_list(items, query, _service))
