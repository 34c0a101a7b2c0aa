"""search domain: multilingual full-text search over practices, threads, posts, organisations,
events and news.

The core knows nothing of Flask and can be used from a view, a CLI command or a benchmark:

    from covenant_hub.search.engine.index import SearchIndex
    from covenant_hub.search.engine.schema import SearchDocument
    from covenant_hub.search.engine.results import SearchQuery

    ix = SearchIndex(app.config["INDEX_DIR"])
    if not ix.check_health().ok:            # missing, truncated segment, missing/garbled TOC
        ix.rebuild(all_documents(), progress=bar.update)   # parallel (procs) on >1 core
    ix.index([SearchDocument("practice:p1", "practice", "p1", title, body, "ky", ...)])  # upsert
    ix.remove(["post:42"])
    results = ix.search(SearchQuery("шаарлардын жарыктандыруу", audiences=("public", "group:7")))

Modules: ``analysis`` (analysers per language), ``kyrgyz`` (our Kyrgyz stemmer), ``detection``
(language of untagged text), ``schema`` (documents and fields), ``queries`` (parsing and
rewriting into the language fields), ``vector`` (numpy evaluation of common query shapes),
``searching`` (filters, paging, hits), ``facets``, ``highlight``, ``suggest`` ("did you mean"),
``health`` (corruption checks), ``engine`` (the public interface).

Around the core, the app side: ``outbox`` (rows written in the change's own transaction),
``documents`` (database rows as SearchDocuments), ``indexer`` (drain, rebuild, check),
``service`` (the per-process index, health, background writers), ``fallback`` (database search
while the index is rebuilt), ``views`` and ``cli``; the API lives in ``covenant_hub.api.search``.
"""

from __future__ import annotations

from typing import Any


def init_app(app: Any) -> None:
    """Mount /search, the `flask search` commands and the per-process search service."""
    from covenant_hub.i18n import keep_lang_argument
    from covenant_hub.jobs.queue import register_periodic
    from covenant_hub.search import cli, gauges, periodic
    from covenant_hub.search.service import get_service, register_service
    from covenant_hub.search.views import bp

    register_service(app)
    gauges.init_app(app)
    app.register_blueprint(bp)
    keep_lang_argument(app, "search.search_page")
    app.cli.add_command(cli.search_cli)
    register_periodic(app, "search.check_index", {"minute": "17"}, periodic.check_index)

    @app.before_request
    def _start_search_drainer() -> None:
        get_service(app).ensure_drainer()
