"""The API's blueprint, apart from the package so that its route modules import it without a cycle."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
