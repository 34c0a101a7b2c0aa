"""GET /api/v1/practices: published practices, paged, filtered by language and sector."""
from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from covenant_hub.api import bp
from covenant_hub.errors import error_response
from covenant_hub.library.interchange import practice_record
from covenant_hub.library.models import Practice
from covenant_hub.library.queries import PracticeFilters, list_practices
from covenant_hub.orgs.models import SECTORS
from covenant_hub.urls import public_url


class InvalidParameter(ValueError):
    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param, self.message = param, message


def _integer(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidParameter(name, f"expected a whole number from {low} to {high}")
    return int(raw)


def _filters() -> PracticeFilters:
    language = request.args.get("lang", "").strip().lower()
    sector = request.args.get("sector", "").strip()
    if language and not (len(language) == 2 and language.isalpha()):
        raise InvalidParameter("lang", "expected an ISO 639-1 code such as ky, ru or en")
    if sector and sector not in SECTORS:
        raise InvalidParameter("sector", "unknown sector code")
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
    config = current_app.config
    try:
        page = _integer("page", 1, 1, 1_000_000)
        per_page = _integer("per_page", config["API_PAGE_SIZE"], 1, config["API_MAX_PAGE_SIZE"])
        filters = _filters()
    except InvalidParameter as error:
        return error_response(400, f"Invalid parameter {error.param!r}: {error.message}")
    pagination = list_practices(None, filters, page, per_page)
    return jsonify({
        "total": pagination.total, "page": page, "per_page": per_page, "pages": pagination.pages,
        "items": [api_practice(practice) for practice in pagination.items],
    })
