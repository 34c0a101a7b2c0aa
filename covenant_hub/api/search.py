"""GET /api/v1/search?q=&type=&lang=&page=: results, facets and the "did you mean" suggestion.

The caller sees what its session may see (anonymous: public content). The other filters of
the search page (sector, country, kind, year, group, sort) are accepted too.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask_login import current_user

from covenant_hub.api.blueprint import bp
from covenant_hub.api.schemas.search import SearchArgs, SearchOut
from covenant_hub.api.spec import api_spec, responses
from covenant_hub.i18n import current_language
from covenant_hub.search import params
from covenant_hub.search.links import hit_urls
from covenant_hub.search.permissions import audiences_for
from covenant_hub.search.service import get_service


@bp.route("/search")
@api_spec.validate(query=SearchArgs, resp=responses(HTTP_200=SearchOut), tags=["search"])
def search() -> Any:
    """Results the caller may see, with facets, snippets and the "did you mean" suggestion."""
    q = params.query_from_args(request.args, audiences_for(current_user), current_language(), page_size=20)
    if not q.text.strip():
        return jsonify({"query": q.text, "total": 0, "page": q.page, "pages": 1, "results": [],
                        "facets": {}, "suggestion": None, "degraded": False})  # fmt: skip
    answer = get_service(current_app).search(q)
    results = answer.results
    urls = hit_urls(results.hits)
    items = [
        {"type": h.type, "id": h.ext_id, "title": h.title, "score": round(h.score, 4), "lang": h.lang,
         "snippet": h.snippet, "url": urls.get(h.key), "matched_by": h.matched_by}
        for h in results.hits
    ]  # fmt: skip
    return jsonify({
        "query": q.text, "total": results.total, "total_is_estimate": results.total_is_estimate,
        "page": results.page, "pages": results.pages,
        "results": items,
        "facets": {name: [[v, n] for v, n in counts] for name, counts in results.facets.items()},
        "suggestion": results.suggestion, "degraded": answer.degraded, "semantic": results.semantic,
    })  # fmt: skip
