"""GET /api/v1/practices: published practices, paged, filtered by language and sector."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, request, url_for

from covenant_hub.api import bp
from covenant_hub.library.interchange import practice_record
from covenant_hub.library.models import Practice
from covenant_hub.library.queries import PracticeFilters, list_practices
from covenant_hub.orgs.models import SECTORS


def _page_arguments() -> tuple[int, int]:
    """page >= 1; per_page between 1 and API_MAX_PAGE_SIZE, else 400."""
    page = request.args.get("page", 1, type=int)
    per_page = request.args.get("per_page", current_app.config["API_PAGE_SIZE"], type=int)
    largest = current_app.config["API_MAX_PAGE_SIZE"]
    if page is None or per_page is None or page < 1 or not 1 <= per_page <= largest:
        abort(400)
    return page, per_page


def api_practice(practice: Practice) -> dict[str, Any]:
    """The interchange record plus the derived key figures and the page's address."""
    record = practice_record(practice)
    record["key_figures"] = {
        "eur_per_t_co2": practice.eur_per_t_co2,
        "t_co2_per_1000_inhabitants": practice.t_co2_per_1000_inhabitants,
    }
    record["url"] = url_for("library.show_practice", practice_id=practice.id, _external=True)
    return record


@bp.route("/practices")
def list_practices_api() -> dict[str, Any]:
    page, per_page = _page_arguments()
    language = request.args.get("lang", "").strip().lower()
    sector = request.args.get("sector", "").strip()
    if (language and not (len(language) == 2 and language.isalpha())) or (sector and sector not in SECTORS):
        abort(400)
    filters = PracticeFilters(language=language, sector=sector, sort="newest", ranges={})
    pagination = list_practices(None, filters, page, per_page)
    return {
        "total": pagination.total,
        "page": page,
        "per_page": per_page,
        "pages": pagination.pages,
        "items": [api_practice(practice) for practice in pagination.items],
    }
