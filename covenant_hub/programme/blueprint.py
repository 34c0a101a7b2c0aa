"""The programme's one blueprint; its routes live in views.py and supporter_views.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash
from flask_login import current_user

from covenant_hub.extensions import db
from covenant_hub.orgs import labels as org_labels
from covenant_hub.programme import labels, permissions
from covenant_hub.programme.audit import NotAllowed, ProgrammeError
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


def run_step(step: Callable[..., Any], *args: Any) -> bool:
    """Call a service; a refusal becomes a flashed message (or 403), never a changed row."""
    try:
        step(current_user, *args)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except ProgrammeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    return True
