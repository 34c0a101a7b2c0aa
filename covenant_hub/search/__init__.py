"""search domain: multilingual full-text search over practices, threads, posts, organisations,
events and news.

The core knows nothing of Flask and can be used from a view, a CLI command or a benchmark:

    from covenant_hub.search.engine import SearchIndex
    from covenant_hub.search.schema import SearchDocument
    from covenant_hub.search.results import SearchQuery

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
"""
