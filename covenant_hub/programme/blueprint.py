"""The programme's one blueprint; its routes live in views.py and supporter_views.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from covenant_hub.orgs import labels as org_labels
from covenant_hub.programme import labels, permissions
from covenant_hub.vocabularies import country_name, label

bp = Blueprint("programme", __name__, url_prefix="/programme")


@bp.context_processor
def _programme_labels() -> dict[str, Any]:
    return {
        "plabels": labels,
        "pperm": permissions,
        "country_name": country_name,
        "org_status_label": lambda code: label(org_labels.STATUS_LABELS, code),
    }
