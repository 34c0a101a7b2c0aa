"""The engine as a caller sees it: indexing, visibility, query syntax, facets, snippets."""

from __future__ import annotations

import dataclasses
import datetime as dt

from covenant_hub.search.engine.index import SearchIndex
from covenant_hub.search.engine.results import SearchQuery, SearchResults
from covenant_hub.search.engine.schema import SearchDocument
from tests.search.conftest import sample_docs


def keys(results: SearchResults) -> list[str]:
    return [hit.key for hit in results.hits]


def find(ix: SearchIndex, text: str, **kwargs: object) -> SearchResults:
    return ix.search(SearchQuery(text, **kwargs))  # type: ignore[arg-type]


def test_words_in_each_language_find_their_document(search_index: SearchIndex) -> None:
    assert keys(find(search_index, "шаарлардын жарыктандыруусу", translate=False)) == ["practice:p1"]
    assert keys(find(search_index, "освещения городами", translate=False)) == ["practice:p2"]
    assert keys(find(search_index, "lamps retrofitting")) == ["practice:p3"]


def test_translated_query_terms_find_other_languages_after_the_words_typed(search_index: SearchIndex) -> None:
    hits = find(search_index, "шаарлардын жарыктандыруусу").hits
    assert [(h.key, h.matched_by) for h in hits] == [
        ("practice:p1", "words"), ("practice:p2", "translation"), ("practice:p3", "translation"),
    ] or [(h.key, h.matched_by) for h in hits] == [
        ("practice:p1", "words"), ("practice:p3", "translation"), ("practice:p2", "translation"),
    ]  # fmt: skip
    assert "<mark>" in hits[1].title_html + hits[1].snippet  # the translated words are marked


def test_language_is_detected_when_missing(search_index: SearchIndex) -> None:
    hits = find(search_index, "heating").hits
    assert [(h.key, h.lang) for h in hits] == [("post:t1", "en")]


def test_public_viewer_never_sees_drafts_hidden_or_group_posts(search_index: SearchIndex) -> None:
    assert {"post:g1", "practice:draft", "post:hidden"} <= search_index.keys()  # indexed, all three
    found = keys(find(search_index, "lighting"))
    assert "practice:p3" in found
    assert not {"post:g1", "practice:draft", "post:hidden"} & set(found)


def test_group_member_and_author_see_their_own(search_index: SearchIndex) -> None:
    member = keys(find(search_index, "lighting", audiences=("public", "group:7")))
    assert "post:g1" in member and "practice:draft" not in member
    author = keys(find(search_index, "lighting", audiences=("public", "user:5")))
    assert "practice:draft" in author and "post:g1" not in author


def test_no_audience_sees_nothing(search_index: SearchIndex) -> None:
    assert find(search_index, "lighting", audiences=()).total == 0


def test_search_within_a_group(search_index: SearchIndex) -> None:
    assert keys(find(search_index, "lighting", audiences=("public", "group:7"), group_id="7")) == ["post:g1"]


def test_phrase_requires_adjacent_words(search_index: SearchIndex) -> None:
    assert keys(find(search_index, '"street lighting"')) == ["practice:p3"]
    assert find(search_index, '"lighting street"').total == 0


def test_and_or_not(search_index: SearchIndex) -> None:
    assert keys(find(search_index, "solar AND energy")) == ["event:e1"]
    assert set(keys(find(search_index, "solar OR heating"))) == {"event:e1", "post:t1"}
    assert set(keys(find(search_index, "energy NOT solar"))) == {"practice:p3"}


def test_prefix_in_each_language(search_index: SearchIndex) -> None:
    assert keys(find(search_index, "retro*")) == ["practice:p3"]
    assert keys(find(search_index, "светодиод*")) == ["practice:p2"]
    assert keys(find(search_index, "жарык*")) == ["practice:p1"]


def test_field_filters_in_the_query_and_in_the_request(search_index: SearchIndex) -> None:
    assert set(keys(find(search_index, "energy type:event"))) == {"event:e1"}
    assert keys(find(search_index, "energy", types=("practice",))) == ["practice:p3"]
    assert keys(find(search_index, "lighting", countries=("de",))) == ["practice:p3"]
    assert set(keys(find(search_index, "year:[2024 TO 2025]"))) == {"event:e1", "post:t1"}


def test_language_filter_restricts_documents(search_index: SearchIndex) -> None:
    assert keys(find(search_index, "LED", lang="ky")) == ["practice:p1"]


def test_facets_count_matching_visible_documents(search_index: SearchIndex) -> None:
    facets = find(search_index, "lighting OR освещение OR heating").facets
    assert dict(facets["type"]) == {"practice": 2, "post": 1}
    assert dict(facets["sector"]) == {"public_lighting": 2, "public_procurement": 1, "local_heat_cold": 1}
    assert dict(facets["lang"]) == {"en": 2, "ru": 1}
    assert dict(facets["country"]) == {"de": 1, "kg": 1, "dk": 1}
    assert dict(facets["kind"]) == {"signatory": 2}
    assert dict(facets["year"]) == {"2021": 1, "2022": 1, "2024": 1}


def test_sort_by_date_puts_newest_first(search_index: SearchIndex) -> None:
    results = find(search_index, "energy OR lighting OR освещение OR энергия", sort="date")
    dates = [hit.date for hit in results.hits]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4


def test_empty_query_browses_visible_documents_newest_first(search_index: SearchIndex) -> None:
    results = find(search_index, "   ")
    assert results.total == 5 and keys(results)[0] == "event:e1"


def test_snippets_are_escaped_and_marked(search_index: SearchIndex) -> None:
    hit = find(search_index, "ламп").hits[0]
    assert "<mark>ламп</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert hit.title_html == "Уличное освещение в городах"


def test_inflected_word_is_marked_in_the_title(search_index: SearchIndex) -> None:
    hit = find(search_index, "освещения").hits[0]
    assert hit.title_html == "Уличное <mark>освещение</mark> в городах"


def test_did_you_mean_uses_indexed_words(search_index: SearchIndex) -> None:
    results = find(search_index, "lightning retrofit")
    assert results.suggestion == "lighting retrofit"
    assert find(search_index, "ликтинг").suggestion is None
    assert find(search_index, "street").suggestion is None


def test_did_you_mean_for_kyrgyz_and_russian(search_index: SearchIndex) -> None:
    assert find(search_index, "освешение").suggestion == "освещение"
    assert find(search_index, "жарыктандыррруу").suggestion is not None


def test_all_words_missing_relaxes_to_any_word(search_index: SearchIndex) -> None:
    results = find(search_index, "solar chocolate")
    assert keys(results) == ["event:e1"] and results.relaxed


def test_paging(search_index: SearchIndex) -> None:
    first = find(search_index, "", page_size=2)
    second = find(search_index, "", page_size=2, page=2)
    third = find(search_index, "", page_size=2, page=3)
    assert first.total == 5 and first.pages == 3
    assert len(set(keys(first) + keys(second) + keys(third))) == 5


def test_upsert_replaces_by_key_and_remove_deletes(search_index: SearchIndex) -> None:
    doc = dataclasses.replace(
        next(d for d in sample_docs() if d.key == "event:e1"),
        title="Wind energy master class",
        body="Wind turbines for towns.",
        date=dt.date(2025, 5, 1),
    )
    search_index.index([doc])
    assert keys(find(search_index, "wind")) == ["event:e1"]
    assert find(search_index, "solar").total == 0
    assert search_index.remove(["event:e1"]) == 1
    assert find(search_index, "wind").total == 0
    assert "event:e1" not in search_index.keys()


def test_searcher_sees_commits_from_another_index_object(search_index: SearchIndex) -> None:
    assert find(search_index, "biogas").total == 0
    other = SearchIndex(search_index.index_dir)
    other.index([SearchDocument("news:n1", "news", "n1", "Biogas plant opens", "Biogas from waste.", "en")])
    assert keys(find(search_index, "biogas")) == ["news:n1"]
    other.close()


def test_keys_and_counts(search_index: SearchIndex) -> None:
    assert len(search_index.keys()) == 8 == search_index.doc_count()
    assert search_index.keys("event") == {"event:e1"}


def test_phrases_combine_with_or_and_not(search_index: SearchIndex) -> None:
    assert set(keys(find(search_index, '"street lighting" OR heating'))) == {"practice:p3", "post:t1"}
    member = ("public", "group:7")
    assert keys(find(search_index, "budget", audiences=member)) == ["post:g1"]  # NOT is what drops it
    assert keys(find(search_index, 'budget NOT "street lighting"', audiences=member)) == []
    assert keys(find(search_index, 'budget NOT "lighting street"', audiences=member)) == ["post:g1"]


def test_facets_follow_the_date_sorted_path_too(search_index: SearchIndex) -> None:
    results = find(search_index, "lighting OR heating", sort="date")
    assert keys(results) == ["post:t1", "practice:p3"]
    assert dict(results.facets["type"]) == {"practice": 1, "post": 1}


def test_an_empty_index_answers_with_no_results(tmp_path) -> None:
    """A site with nothing indexable yet (its first minutes) has an index of no segments."""
    ix = SearchIndex(tmp_path / "empty")
    ix.rebuild([], procs=1)
    results = find(ix, "lighting")
    assert results.total == 0 and keys(results) == []
