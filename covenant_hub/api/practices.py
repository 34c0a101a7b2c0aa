"""GET /api/v1/practices: published practices, paged, filtered by language and sector."""
from __future__ import annotations

from typing import Any

from flask import request

from covenant_hub.api import paging
from covenant_hub.api.blueprint import bp
from covenant_hub.library.interchange import practice_record
from covenant_hub.library.models import Practice
from covenant_hub.library.queries import PracticeFilters, list_practices
from covenant_hub.urls import public_url
from covenant_hub.vocabularies import SECTORS


def _filters() -> PracticeFilters:
    language = request.args.get("lang", "").strip().lower()
    sector = request.args.get("sector", "").strip()
    if language and not (len(language) == 2 and language.isalpha()):
        raise paging.InvalidParameter("lang", "expected an ISO 639-1 code such as ky, ru or en")
    if sector and sector not in SECTORS:
        raise paging.InvalidParameter("sector", "unknown sector code")
    return PracticeFilters(language=language, sector=sector, sort="newest", ranges={})


def api_practice(practice: Practice) -> dict[str, Any]:
    """The interchange record plus the derived key figures and the page's address."""
    record = practice_record(practice)
    record["key_figures"] = {
        "eur_per_t_co2": practice.eur_per_t_co2,
        "t_co2_per_1000_inhabitants": practice.t_co2_per_1000_inhabitants,
    }
    record["url"] = public_url("library.show_practice", practice_id=practice.id)
    return record


@bp.route("/practices")
def list_practices_api() -> Any:
    """`?page=&per_page=&lang=&sector=`; only published practices, newest first."""
    try:
        page, per_page = paging.page_args()
        filters = _filters()
    except paging.InvalidParameter as error:
        return paging.invalid_parameter(error)
    return paging.paged_json(list_practices(None, filters, page, per_page), api_practice)
