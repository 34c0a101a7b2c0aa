"""Language detection for content that does not say its language.

py3langid ships a model that knows Kyrgyz; it is restricted to the languages we analyse so it
cannot answer "Kazakh" for a Kyrgyz text. Short or mixed text gets low confidence, and then the
script decides (Kyrgyz-only letters ө/ү/ң mean Kyrgyz, other Cyrillic Russian, Latin English).
"""

from __future__ import annotations

import re
import threading
from typing import Any

from covenant_hub.search.engine.analysis import GENERIC, KYRGYZ, SNOWBALL

DEFAULT_LANGUAGES: tuple[str, ...] = (KYRGYZ, *SNOWBALL)
MIN_CONFIDENCE = 0.7

_KY_LETTERS = re.compile(r"[өүңӨҮҢ]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_GREEK = re.compile(r"[\u0370-\u03ff]")
_ARMENIAN = re.compile(r"[\u0530-\u058f]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")

_lock = threading.Lock()
_identifiers: dict[tuple[str, ...], Any] = {}


def _identifier(languages: tuple[str, ...]) -> Any:
    """Load the model once per language set (loading takes about half a second)."""
    with _lock:
        found = _identifiers.get(languages)
        if found is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            found = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            found.set_languages(list(languages))
            _identifiers[languages] = found
        return found


def script_language(text: str) -> str:
    """A best guess from the alphabet alone."""
    checks = (
        (_KY_LETTERS, KYRGYZ), (_CYRILLIC, "ru"), (_GREEK, "el"), (_ARMENIAN, "hy"),
        (_ARABIC, "ar"), (_LATIN, "en"),
    )  # fmt: skip
    for pattern, lang in checks:
        if pattern.search(text):
            return lang
    return GENERIC


def detect_language(
    text: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES, min_confidence: float = MIN_CONFIDENCE
) -> str:
    """The language of ``text`` among ``languages``; the script's guess when unsure."""
    sample = text[:2000]
    if not sample.strip():
        return GENERIC
    if _KY_LETTERS.search(sample) and KYRGYZ in languages:
        return KYRGYZ
    lang, confidence = _identifier(tuple(sorted(languages))).classify(sample)
    if confidence >= min_confidence:
        return str(lang)
    guess = script_language(sample)
    return guess if guess in languages or guess == GENERIC else GENERIC
