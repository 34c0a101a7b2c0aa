"""The practice list, with the filters the page shows, as CSV and XLSX."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from covenant_hub.exports import MAX_ROWS, Table, export_response
from covenant_hub.i18n import current_language
from covenant_hub.library import labels, queries
from covenant_hub.library.models import RESULT_FIELDS, Practice
from covenant_hub.library.views import bp
from covenant_hub.urls import public_url


def _columns() -> list[str]:
    results = [str(labels.RESULT_LABELS[name]) for name in RESULT_FIELDS]
    return [
        _("Identifier"),
        _("Title"),
        _("Organisation"),
        _("Language"),
        _("Sectors"),
        _("State"),
        _("Published"),
        *results,
        _("Page"),
    ]


def _row(practice: Practice) -> list[Any]:
    return [
        practice.external_id, practice.title, practice.owner.name if practice.owner else None,
        labels.language_label(practice.language),
        [labels.sector_label(code) for code in practice.sectors or []],
        str(labels.STATE_LABELS.get(practice.state, practice.state)), practice.published,
        *(getattr(practice, name) for name in RESULT_FIELDS),
        public_url("library.show_practice", practice_id=practice.id),
    ]  # fmt: skip


@bp.route("/export.<fmt>")
def export_practices(fmt: str) -> Response:
    """What the list shows with its current filters and sort (every page, up to MAX_ROWS)."""
    filters = queries.PracticeFilters.from_args(request.args)
    pagination = queries.list_practices(current_user, filters, 1, MAX_ROWS, current_language())
    table = Table(_("Practices"), _columns(), [_row(practice) for practice in pagination.items])
    return export_response(table, fmt, "covenant-hub-practices")
