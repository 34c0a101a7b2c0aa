"""The events domain's one blueprint; its routes live in the *_views modules."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash
from flask_login import current_user

from covenant_hub.events import services
from covenant_hub.extensions import db

bp = Blueprint("events", __name__)


def run_step(step: Callable[..., Any], *args: Any) -> Any:
    """Call a service as the current user; a refusal becomes 403 or a flashed message."""
    try:
        return step(current_user, *args)
    except services.NotAllowed:
        db.session.rollback()
        abort(403)
    except services.EventsError as error:
        db.session.rollback()
        flash(str(error), "error")
        return None
