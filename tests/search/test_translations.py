"""A search hit once per practice: the version best for the reader among those that matched."""

from __future__ import annotations

from covenant_hub.search.engine.results import SearchHit, SearchQuery, SearchResults
from covenant_hub.search.translations import collapse, collapses, window
from tests.factories import make_org, make_practice


def _versions():
    owner = make_org(name="Karakol")
    versions = {
        language: make_practice(
            owner,
            external_id=f"solar-{language}",
            title=title,
            summary=f"{title} LED",
            language=language,
            translation_group="solar-ky",
        )  # fmt: skip
        for language, title in (("ky", "Күн панелдери"), ("ru", "Солнечные панели"), ("en", "Solar panels"))
    }
    lone = make_practice(owner, external_id="lamps", title="Street lamps", summary="LED lamps", language="en")
    return versions, lone


def _practice_hits(client, language, **args):
    data = client.get("/api/v1/search", query_string={"q": "LED", **args},
                      headers={"Accept-Language": language}).get_json()  # fmt: skip
    return data["total"], [item["id"] for item in data["results"] if item["type"] == "practice"]


def test_each_practice_is_one_hit_in_the_readers_language(app, client):
    versions, lone = _versions()
    for language in ("ky", "ru", "en"):
        total, found = _practice_hits(client, language)
        assert sorted(found) == sorted([versions[language].external_id, lone.external_id]), language
        assert total == 2


def test_a_language_filter_finds_that_version(app, client):
    versions, _lone = _versions()
    total, found = _practice_hits(client, "ky", lang="ru")
    assert found == [versions["ru"].external_id] and total == 1


def test_the_search_page_shows_one_hit_per_practice(app, client):
    versions, lone = _versions()
    page = client.get("/search?q=LED", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert f'href="/practices/{versions["ru"].id}"' in page
    assert (
        f'href="/practices/{versions["ky"].id}"' not in page
        and f'href="/practices/{versions["en"].id}"' not in page
    )
    assert f'href="/practices/{lone.id}"' in page


def _hit(key: str, lang: str, score: float) -> SearchHit:
    return SearchHit(key=key, type=key.split(":")[0], ext_id=key, title=key, score=score, lang=lang)


def test_collapse_keeps_the_best_rank_and_the_readers_version_and_pages():
    hits = [_hit("practice:1", "en", 9), _hit("post:5", "en", 8), _hit("practice:2", "ky", 7),
            _hit("practice:3", "ru", 6), _hit("practice:4", "en", 5)]  # fmt: skip
    families = {1: ("a", "en"), 2: ("a", "ky"), 3: ("b", "ru"), 4: ("c", "en")}
    q = SearchQuery("x", user_lang="ky", page=1, page_size=2)
    deep = window(q)
    assert (deep.page, deep.page_size) == (1, 6)
    results = collapse(SearchResults(hits, 5, 1, 6), q, lambda ids: families, ("ky", "ru", "en"))
    assert [h.key for h in results.hits] == ["practice:2", "post:5"]  # family a at rank 1, in Kyrgyz
    assert results.hits[0].score == 9 and results.total == 4 and results.page_size == 2
    second = collapse(
        SearchResults(hits, 5, 1, 6), SearchQuery("x", page=2, page_size=2), lambda ids: families, ("en",)
    )
    assert [h.key for h in second.hits] == ["practice:3", "practice:4"]


def test_nothing_to_collapse_with_a_language_filter_or_other_types():
    assert not collapses(SearchQuery("x", lang="ru"))
    assert not collapses(SearchQuery("x", types=("post",)))
    assert collapses(SearchQuery("x")) and collapses(SearchQuery("x", types=("practice", "post")))
