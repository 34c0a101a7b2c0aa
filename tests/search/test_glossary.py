"""The glossary as data: every concept in the three languages, each form an indexable word,
and Kyrgyz and Russian query words (inflected) reaching their equivalents."""

from __future__ import annotations

import pytest

from covenant_hub.language.analysis import analyse
from covenant_hub.search.engine.glossary import COLUMNS, PATH, Glossary, default_glossary, parse


def test_every_concept_is_written_in_english_russian_and_kyrgyz() -> None:
    rows = parse(PATH.read_text(encoding="utf-8"))
    assert len(rows) >= 200
    missing = [row for row in rows if not all(row[lang] for lang in COLUMNS)]
    assert missing == []
    unindexable = [(lang, p) for row in rows for lang in COLUMNS for p in row[lang] if not analyse(p, lang)]
    assert unindexable == []


@pytest.mark.parametrize(
    ("word", "lang", "expected"),
    [
        ("чырактарын", "ky", {("en", ("lamp",))}),
        ("утепления", "ru", {("en", ("insul",)), ("ky", ("жылуулоо",))}),
        ("мектептердин", "ky", {("en", ("school",)), ("ru", ("школ",))}),
    ],
)
def test_inflected_query_words_reach_their_equivalents(word: str, lang: str, expected: set) -> None:
    found = {(e.lang, e.terms) for e in default_glossary().equivalents(word, lang)}
    assert expected <= found


def test_english_and_unknown_words_are_not_expanded() -> None:
    glossary = Glossary(parse("en\tru\tky\tc\nstreet\tулица\tкөчө\tplace\n"))
    assert glossary.equivalents("street", "en") == []
    assert glossary.equivalents("тоголок", "ky") == []
    assert {e.lang for e in glossary.equivalents("улицы", "ru")} == {"en", "ky"}
