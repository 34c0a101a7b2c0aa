"""Language detection for content that does not say its language."""

from __future__ import annotations

import pytest

from covenant_hub.language.detection import detect_language, script_language
from covenant_hub.search.engine.schema import SearchDocument, resolve_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Шаардын көчөлөрүн жарыктандыруу долбоору ийгиликтүү аяктады", "ky"),
        ("шаардагы коче жарыктандыруу системасы жана энергия унемдоо", "ky"),
        ("Модернизация уличного освещения в городе Ош", "ru"),
        ("The city replaced its street lamps with LED lighting", "en"),
        ("Die Stadt hat die Straßenbeleuchtung auf LED umgestellt", "de"),
        ("La ville a remplacé l'éclairage public par des LED", "fr"),
    ],
)
def test_detects_language_of_sentences(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_restricted_languages_and_low_confidence_fall_back_to_script() -> None:
    assert detect_language("Уличное освещение", languages=("ky", "ru", "en")) == "ru"
    assert detect_language("xq", languages=("ky", "ru", "en"), min_confidence=1.01) == "en"
    assert detect_language("жол", languages=("ky", "ru"), min_confidence=1.01) == "ru"
    assert detect_language("   ") == "xx"


def test_script_language() -> None:
    assert script_language("үй") == "ky"
    assert script_language("дом") == "ru"
    assert script_language("σπίτι") == "el"
    assert script_language("12345") == "xx"


def test_document_language_is_resolved() -> None:
    doc = SearchDocument("post:1", "post", "1", "Street lighting", "LED lamps for the whole city", None)
    assert resolve_language(doc) == "en"
    assert resolve_language(SearchDocument("post:2", "post", "2", "x", language="KY")) == "ky"
    assert resolve_language(SearchDocument("post:3", "post", "3", "x", language="uk")) == "xx"
