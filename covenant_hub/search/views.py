"""The search page: results, facets, snippets, "did you mean", sorting and paging."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from covenant_hub.extensions import limiter
from covenant_hub.i18n import current_language
from covenant_hub.search import params
from covenant_hub.search.labels import facet_label, facet_title, type_label
from covenant_hub.search.links import hit_urls
from covenant_hub.search.permissions import audiences_for
from covenant_hub.search.service import get_service

bp = Blueprint("search", __name__)


def _search_limit() -> str:
    return str(current_app.config["RATELIMIT_SEARCH_PER_CLIENT"])


@bp.route("/search")
@limiter.limit(_search_limit)  # per client address: each search is work for the index
def search_page() -> str | Response:
    """GET only: searching writes nothing (the outbox is drained by the background writer)."""
    renamed = params.legacy_args(request.args)
    if renamed is not None:  # an old facet link: its `lang` is the results' language
        return redirect(url_for("search.search_page", **renamed), 301)
    q = params.query_from_args(request.args, audiences_for(current_user), current_language())
    answer = None
    if q.text.strip():
        answer = get_service(current_app).search(q)
    hits = answer.results.hits if answer else []
    return render_template(
        "search/results.html", q=q, answer=answer, urls=hit_urls(hits), params=params,
        chosen=params.active_filters(q), facet_label=facet_label, facet_title=facet_title,
        type_label=type_label, Markup=Markup, my_lang=current_language(),
    )  # fmt: skip
