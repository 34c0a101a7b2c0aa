"""Language detection for content that does not say its language.

py3langid ships a model that knows Kyrgyz; it is restricted to the languages we analyse so it
cannot answer "Kazakh" for a Kyrgyz text. Short or mixed text gets low confidence, and then the
script decides (Kyrgyz-only letters ө/ү/ң mean Kyrgyz, other Cyrillic Russian, Latin English).

Content often mixes scripts: "LED" in a Kyrgyz title, an English report title quoted in Russian
news, an English reply in a Russian thread. :func:`foreign_runs` gives the runs of words written
in a script the document's language does not use, with their own language, so they are indexed
a second time with the right analyser; :func:`reply_language` tells a reply's own language.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from covenant_hub.language.analysis import GENERIC, KYRGYZ, SNOWBALL, TOKEN_RE

DEFAULT_LANGUAGES: tuple[str, ...] = (KYRGYZ, *SNOWBALL)
MIN_CONFIDENCE = 0.7

_KY_LETTERS = re.compile(r"[өүңӨҮҢ]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_GREEK = re.compile(r"[\u0370-\u03ff]")
_ARMENIAN = re.compile(r"[\u0530-\u058f]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")

CYRILLIC, LATIN = "cyrl", "latn"
# The scripts each analysed language is written in; any language not listed: Latin.
LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    "ky": frozenset({CYRILLIC}), "ru": frozenset({CYRILLIC}), "sr": frozenset({CYRILLIC, LATIN}),
    "el": frozenset({"grek"}), "hy": frozenset({"armn"}), "ar": frozenset({"arab"}),
}  # fmt: skip
LATIN_LANGUAGES: tuple[str, ...] = tuple(
    lang for lang in SNOWBALL if LATIN in LANGUAGE_SCRIPTS.get(lang, frozenset({LATIN}))
)

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


def scripts_of(lang: str) -> frozenset[str]:
    """The scripts ``lang`` is written in."""
    return LANGUAGE_SCRIPTS.get(lang, frozenset({LATIN}))


def _word_script(word: str) -> str | None:
    """Latin or Cyrillic for a word starting with such a letter; None otherwise (digits too)."""
    for ch in word:
        if ch.isalpha():
            return CYRILLIC if _CYRILLIC.match(ch) else LATIN if _LATIN.match(ch) else None
    return None


def _run_language(script: str, text: str) -> str:
    if script == CYRILLIC:
        return KYRGYZ if _KY_LETTERS.search(text) else "ru"
    return detect_language(text, LATIN_LANGUAGES)  # a word or two: the script's guess, English


def foreign_runs(text: str, lang: str) -> dict[str, str]:
    """Runs of Latin words in a Cyrillic-script text (and Cyrillic in a Latin one) by language.

    Each run keeps its words in order, runs are separated by a new line; the text of each
    language found is what its field should hold besides the document's own.
    """
    own = scripts_of(lang)
    wanted = {script for script, pattern in ((LATIN, _LATIN), (CYRILLIC, _CYRILLIC))
              if script not in own and pattern.search(text)}  # fmt: skip
    if not wanted:
        return {}
    runs: dict[str, list[str]] = {script: [] for script in wanted}
    previous: str | None = None
    for word in TOKEN_RE.findall(text):
        script = _word_script(word) or previous  # digits stay with the run they are in
        if script in wanted:
            runs[script].append(word if script == previous else f"\n{word}")
        previous = script
    out: dict[str, str] = {}
    for script, found in runs.items():
        if found:
            joined = " ".join(found).strip()
            language = _run_language(script, joined)
            out[language] = f"{out[language]}\n{joined}" if language in out else joined
    return out


def _main_script(text: str) -> str | None:
    latin, cyrillic = len(_LATIN.findall(text)), len(_CYRILLIC.findall(text))
    if not latin and not cyrillic:
        return None
    return LATIN if latin > cyrillic else CYRILLIC


def reply_language(text: str, thread_language: str | None) -> str:
    """The language of a forum post: its thread's, unless the post is written otherwise.

    A post mostly in another script than its thread's language is detected among that script's
    languages; Kyrgyz letters in a Russian thread's post mean Kyrgyz. Otherwise the thread's
    language stands: detection is unreliable on a line or two.
    """
    expected = (thread_language or "").lower()
    if not expected:
        return detect_language(text)
    script = _main_script(text)
    if script is not None and script not in scripts_of(expected):
        return _run_language(script, text) if script == CYRILLIC else detect_language(text, LATIN_LANGUAGES)
    if expected == "ru" and _KY_LETTERS.search(text):
        return KYRGYZ
    return expected
