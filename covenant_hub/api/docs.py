"""/api/docs: Swagger UI, vendored from npm (static/vendor/), over /api/v1/openapi.json."""

from __future__ import annotations

from flask import Blueprint, render_template

SWAGGER_UI = "vendor/swagger-ui-5.35.0"

docs_bp = Blueprint("api_docs", __name__)


@docs_bp.route("/api/docs")
def show_docs() -> str:
    """The interactive reference; its script and styles come from our origin only."""
    return render_template("api/docs.html", swagger_ui=SWAGGER_UI)
