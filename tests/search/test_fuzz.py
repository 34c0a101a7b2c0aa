"""Whatever a user types, search answers (never raises) and never leaks hidden documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from covenant_hub.search.engine.index import SearchIndex
from covenant_hub.search.engine.results import SearchQuery, SearchResults
from tests.search.conftest import sample_docs

HIDDEN = {"post:g1", "practice:draft", "post:hidden"}
SYNTAX = [
    '"', "(", ")", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "*", "?", ":", "type:", "year:[", " TO ",
    "]", "{", "}", "^", "^2", "\\", "'", "-", "+", "~", "/", "sector:", "audience:", "key:", "text_ky:",
    "*:*", "[", "<", "шаар", "шаарлардын", "lighting", "освещение", "энергия", "ламп*",
    '"street lighting"', "ӨҮҢ", "\x00", "\u200b", "\U0001f600", "é", "ß", "2024", "public_lighting",
    " ", "  ", "\n", "\t",
]  # fmt: skip


@pytest.fixture(scope="module")
def fuzz_index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    ix = SearchIndex(Path(tmp_path_factory.mktemp("fuzz")) / "index")
    ix.index(sample_docs())
    assert HIDDEN <= ix.keys()  # what the checks say no query reveals is really there to reveal
    return ix


def check(ix: SearchIndex, text: str, **kwargs: object) -> SearchResults:
    results = ix.search(SearchQuery(text, **kwargs))  # type: ignore[arg-type]
    assert isinstance(results, SearchResults)
    assert not HIDDEN & {hit.key for hit in results.hits}
    for hit in results.hits:
        assert "<script>" not in hit.snippet and "<script>" not in hit.title_html
    return results


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_random_unicode_never_raises(fuzz_index: SearchIndex, text: str) -> None:
    check(fuzz_index, text)


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(SYNTAX) | st.text(max_size=6), max_size=12).map("".join))
def test_query_syntax_soup_never_raises(fuzz_index: SearchIndex, text: str) -> None:
    check(fuzz_index, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.sampled_from(SYNTAX), max_size=8).map(" ".join),
    st.sampled_from(["relevance", "date", "bogus"]),
    st.integers(min_value=-5, max_value=10_000),
    st.integers(min_value=-5, max_value=500),
    st.sampled_from([None, "ky", "ru", "en", "zz"]),
)
def test_odd_options_never_raise(
    fuzz_index: SearchIndex, text: str, sort: str, page: int, page_size: int, lang: str | None
) -> None:
    results = check(fuzz_index, text, sort=sort, page=page, page_size=page_size, lang=lang, user_lang=lang)
    assert 1 <= results.page_size <= 100 and results.page >= 1


def test_known_troublemakers(fuzz_index: SearchIndex) -> None:
    troublemakers = ['"', "(((", ")", "AND", "OR OR", "NOT", "*", "year:[x TO", "type:", '"unclosed',
                     "a:b:c", "^^^", "\\", "*:*", "year:{2020 TO]", "шаар*" * 50, "x" * 5000]  # fmt: skip
    for text in troublemakers:
        check(fuzz_index, text)
    assert [h.key for h in check(fuzz_index, '"street lighting').hits] == ["practice:p3"]
