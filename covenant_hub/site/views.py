"""Home page, the language switcher and the "About the data" page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from covenant_hub.events.queries import home_sections
from covenant_hub.extensions import db
from covenant_hub.orgs.services import directory_counts
from covenant_hub.site import health, sitemap
from covenant_hub.urls import safe_next_url

bp = Blueprint("site", __name__)


@bp.route("/")
def home() -> str:
    """Landing page with the counts a visitor first wants to see."""
    return render_template("site/home.html", counts=directory_counts(), **home_sections())


@bp.route("/healthz")
def healthz() -> Response:
    """Liveness: this process answers (JSON, touches neither the database nor the disk)."""
    return jsonify(health.liveness())


@bp.route("/readyz")
def readyz() -> Response:
    """Readiness as JSON: 503 while the database, the schema or this node's index is not ready."""
    ready, report = health.readiness(current_app)
    answer = jsonify(report)
    answer.status_code = 200 if ready else 503
    answer.headers["Cache-Control"] = "no-store"
    return answer


@bp.route("/about/data")
def about_data() -> str:
    """Where the signatory data comes from and under which licence."""
    return render_template("site/about_data.html")


@bp.route("/legal")
def legal_notice() -> str:
    """Who runs the site and who answers for its content."""
    return render_template("site/legal.html")


@bp.route("/acknowledgements")
def acknowledgements() -> str:
    """Data sources (JRC, CC BY 4.0) and the software the site is built with."""
    return render_template("site/acknowledgements.html")


@bp.route("/language", methods=["POST"])
def set_language() -> Response:
    """The switcher: remembered in the session, and as the preference of a logged-in user."""
    language = request.form.get("lang", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = language
    if current_user.is_authenticated:
        current_user.language = language
        db.session.commit()
    return redirect(safe_next_url(request.form.get("next")))


@bp.route("/sitemap.xml")
def sitemap_index() -> Response:
    return Response(sitemap.render_index(), mimetype="application/xml")


@bp.route("/sitemap/<section>-<id:page>.xml")
def sitemap_section(section: str, page: int) -> Response:
    entries = sitemap.section_entries(section, page)
    if entries is None:
        abort(404)
    return Response(sitemap.render_urlset(entries), mimetype="application/xml")
