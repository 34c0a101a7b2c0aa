"""/api/v1/practices: published practices (and the caller's drafts), read and written.

Writes run the library's services, which check the same permissions as the pages
(`can_create_practice`, `can_edit_practice`) and the same content rules.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user

from covenant_hub.api import paging
from covenant_hub.api.blueprint import bp
from covenant_hub.api.envelope import call_service, denied, fail
from covenant_hub.api.schemas.library import PracticeOut, PracticePage, PracticeQuery, PracticeWrite
from covenant_hub.api.spec import api_spec, responses
from covenant_hub.library import permissions, services
from covenant_hub.library.interchange import practice_record
from covenant_hub.library.models import Practice
from covenant_hub.library.queries import PracticeFilters, get_practice_by_external_id, list_practices
from covenant_hub.library.translations import original_id
from covenant_hub.orgs import services as orgs
from covenant_hub.urls import public_url


def api_practice(practice: Practice) -> PracticeOut:
    """The interchange record plus the state, the derived key figures and the page's address."""
    record = practice_record(practice, original_id(practice))
    record["state"] = practice.state
    record["key_figures"] = {
        "eur_per_t_co2": practice.eur_per_t_co2,
        "t_co2_per_1000_inhabitants": practice.t_co2_per_1000_inhabitants,
    }
    record["url"] = public_url("library.show_practice", practice_id=practice.id)
    return PracticeOut.model_validate(record)


def _practice_or_404(external_id: str) -> Practice:
    practice = get_practice_by_external_id(external_id)
    if practice is None or not permissions.can_view_practice(current_user, practice):
        fail(404, _("No practice with the id %(id)s.", id=external_id))
    return practice


def _input(body: PracticeWrite) -> services.PracticeInput:
    return services.PracticeInput(
        title=body.title, language=body.language, summary=body.summary, body=body.body,
        sectors=list(body.sectors), tags=body.tags, results=dict(body.results),
    )  # fmt: skip


@bp.route("/practices")
@api_spec.validate(resp=responses(HTTP_200=PracticePage), tags=["practices"])
def list_practices_api(query: PracticeQuery) -> Any:
    """Published practices, newest first; `mine=true` lists every state of the caller's organisations."""
    filters = PracticeFilters(language=query.lang or "", sector=query.sector or "", sort="newest",
                              mine=query.mine, ranges={})  # fmt: skip
    pagination = list_practices(
        current_user, filters, query.page, paging.page_size(query), every_version=True
    )
    return PracticePage(**paging.page_of(pagination, api_practice))


@bp.route("/practices/<external_id>")
@api_spec.validate(resp=responses(HTTP_200=PracticeOut), tags=["practices"])
def get_practice_api(external_id: str) -> Any:
    """One practice the caller may read."""
    return api_practice(_practice_or_404(external_id))


@bp.route("/practices", methods=["POST"])
@api_spec.validate(resp=responses(HTTP_201=PracticeOut), tags=["practices"])
def create_practice_api(json: PracticeWrite) -> Any:
    """A new draft for an organisation the caller writes for (as the page's "New practice")."""
    if not current_user.is_authenticated:
        denied(current_user)
    org = orgs.get_org(json.org or "")
    if org is None:
        message = _("Choose the organisation the practice belongs to.")
        fail(400, message, {"org": message})
    return api_practice(call_service(services.create_practice, org, _input(json))), 201


@bp.route("/practices/<external_id>", methods=["PUT"])
@api_spec.validate(resp=responses(HTTP_200=PracticeOut), tags=["practices"])
def update_practice_api(external_id: str, json: PracticeWrite) -> Any:
    """Replace a draft's content (its author or the organisation's administrators)."""
    practice = _practice_or_404(external_id)
    return api_practice(call_service(services.update_practice, practice, _input(json)))
