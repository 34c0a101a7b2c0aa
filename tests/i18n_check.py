"""The untranslated-message detector: English interface text on a page served in ky or ru.

`untranslated(html, language)` reads a rendered page and returns every piece of interface text
that is English: text nodes, and the attributes a reader meets (placeholder, aria-label, title,
alt, the label of a button's `value`). Content that carries its own language is left alone: an
element whose `lang` differs from the page's (a practice written in English, the "English"
entry of the language switcher) or marked `translate="no"` (a person's or a place's name), and
everything under it. So is what is not read as text: scripts, styles, code.

A string counts as English when it is, or contains, one of the messages the interface is made of
(our catalog's msgids and the messages of WTForms, Flask-WTF and Flask-Login, with their
placeholders as wildcards), when it names an English month or weekday (a date left in English),
or when it is Latin-script prose: at least two words of English's commonest words and no
Cyrillic. Brand and technical words (Covenant Hub, GCoM, CSV, API...) are not prose.

Used by `tests/site/test_untranslated.py` over every page type, and meant for the browser
tests too: `untranslated(page.content(), "ky")`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
READ_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
BUTTON_TYPES = {"submit", "button", "reset"}
# Not read as interface text: code, and what a visitor typed (a textarea's text, an edit form's
# Markdown preview, marked `data-user-content`).
SKIPPED_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "math", "template", "noscript", "textarea"}
# Words that are the same in every language of the site, or names: never prose by themselves.
NEUTRAL = {
    "covenant", "hub", "gcom", "csv", "xlsx", "json", "api", "rss", "atom", "ical", "ics", "pdf", "url", "id",
    "markdown", "jrc", "eu", "co2", "secap", "seap", "comо", "como", "ok", "email", "e-mail", "http", "https",
    "www", "svg", "png", "tco2", "mwh", "kwh", "gwh", "swagger", "openapi", "ui", "cc", "by", "km",
}  # fmt: skip
# The commonest English words: two of them and no Cyrillic make a string English prose.
FUNCTION_WORDS = set(
    """the of and to in is are was were be been this that these those for with from your you our we
    not no yes or if then than there here what which who when where why how all any each every some
    more most less can could should would will must may has have had do does did it its at on by as
    an a into about after before over under new see show hide open close next previous back log sign
    required field please enter invalid must between least characters page results none nothing
    found search save cancel delete edit add remove send reply more read""".split()
)
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|"
    "Saturday|Sunday"
)
ENGLISH_DATE = re.compile(rf"\b(?:{MONTHS})\b\.?\s*\d|\d{{1,2}}\s+(?:{MONTHS})\b|\b(?:AM|PM)\b")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")


@dataclass(frozen=True)
class Finding:
    """One piece of English text: where it is (`path`: tag names from the root, or `@attr`),
    the text, and why it counts as English."""

    path: str
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.text!r} ({self.reason}) at {self.path}"


def _library_catalog_messages() -> list[str]:
    """The messages WTForms, Flask-WTF and Flask-Login show a reader, from their own sources."""
    import flask_login
    import flask_wtf
    import wtforms

    found: list[str] = []
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    with pot.open("rb") as handle:
        for message in read_po(handle):
            if message.id:
                found.extend([message.id] if isinstance(message.id, str) else list(message.id))
    quoted = re.compile(r"""_l?\(\s*["']([^"']{6,})["']""")
    for module in (flask_wtf, flask_login):
        for source in Path(module.__file__).parent.glob("*.py"):
            found.extend(quoted.findall(source.read_text(encoding="utf-8")))
    from flask_login import config as login_config

    found.extend([login_config.LOGIN_MESSAGE, login_config.REFRESH_MESSAGE])
    return found


@lru_cache(maxsize=1)
def english_messages() -> tuple[re.Pattern[str], frozenset[str]]:
    """A pattern matching any interface message (placeholders as wildcards) and the set of the
    messages' literal pieces of two words or more, which survive being split by markup."""
    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        ours = [m.id for m in read_po(handle) if m.id]
    texts: list[str] = []
    for message_id in ours:
        texts.extend([message_id] if isinstance(message_id, str) else list(message_id))
    texts.extend(_library_catalog_messages())
    pieces: set[str] = set()
    patterns: list[str] = []
    for text in set(texts):
        if not LATIN_WORD.search(text) or not _has_english_word(text):
            continue
        parts = [_normalise(part) for part in PLACEHOLDER.split(text)]
        patterns.append(r"\s*.{0,80}?\s*".join(re.escape(part) for part in parts if part) or re.escape(text))
        pieces.update(
            part for part in parts if sum(w.lower() not in NEUTRAL for w in LATIN_WORD.findall(part)) >= 2
        )
    patterns.sort(key=len, reverse=True)
    return re.compile(r"^(?:" + "|".join(patterns) + r")$", re.IGNORECASE), frozenset(
        p.lower() for p in pieces
    )


@lru_cache(maxsize=1)
def english_vocabulary() -> frozenset[str]:
    """Every word of the interface's English messages."""
    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        ids = [m.id for m in read_po(handle) if m.id]
    words = set()
    for message_id in ids:
        for text in [message_id] if isinstance(message_id, str) else message_id:
            words.update(word.lower() for word in LATIN_WORD.findall(PLACEHOLDER.sub(" ", text)))
    return frozenset(words - NEUTRAL)


def _has_english_word(text: str) -> bool:
    return any(word.lower() not in NEUTRAL for word in LATIN_WORD.findall(text))


def _normalise(text: str) -> str:
    return " ".join(text.split()).strip(" .,:;·—–-()«»“”\"'")


def english_reason(text: str) -> str | None:
    """Why `text` is English interface text, or None when it is not."""
    text = _normalise(text)
    if not text or not LATIN_WORD.search(text):
        return None
    if ENGLISH_DATE.search(text):
        return "English date"
    whole, pieces = english_messages()
    words = [word.lower() for word in LATIN_WORD.findall(text)]
    if all(word in NEUTRAL for word in words):
        return None
    bare = re.sub(r"^\d+\s+", "", text)  # "3 results": the message counted
    if whole.match(text) or whole.match(bare):
        return "interface message"
    lowered = f" {text.lower()} "
    if any(f" {piece} " in lowered for piece in pieces if len(piece) >= 12):
        return "part of an interface message"
    function_words = sum(word in FUNCTION_WORDS for word in words)
    if not CYRILLIC.search(text) and function_words >= 2:
        return "English prose"
    known = sum(word in english_vocabulary() or word in NEUTRAL for word in words)
    if not CYRILLIC.search(text) and function_words and known == len(words):
        return "English words"
    return None


def _skipped(element: lxml_html.HtmlElement, language: str) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in SKIPPED_TAGS or element.get("translate") == "no" or element.get("hidden") is not None:
        return True
    if element.get("data-user-content") is not None:
        return True
    own = element.get("lang") or element.get("{http://www.w3.org/XML/1998/namespace}lang")
    return own is not None and own.split("-")[0].lower() not in (language, "")


def _path(element: lxml_html.HtmlElement) -> str:
    names = []
    while element is not None and isinstance(element.tag, str):
        label = element.tag + (f"#{element.get('id')}" if element.get("id") else "")
        names.append(label)
        element = element.getparent()
    return "/".join(reversed(names))


def _texts(element: lxml_html.HtmlElement, language: str):
    """(path, text) of every readable string under `element`, skipping content in its own language."""
    if _skipped(element, language):
        return
    path = _path(element)
    if element.text:
        yield path, element.text
    for attribute in READ_ATTRIBUTES:
        if element.get(attribute):
            yield f"{path}@{attribute}", element.get(attribute)
    if (
        element.tag == "input"
        and (element.get("type") or "").lower() in BUTTON_TYPES
        and element.get("value")
    ):
        yield f"{path}@value", element.get("value")
    if element.tag == "meta" and element.get("name") == "description" and element.get("content"):
        yield f"{path}@content", element.get("content")
    for child in element:
        if isinstance(child.tag, str):
            yield from _texts(child, language)
        if child.tail:
            yield path, child.tail


def _title_reason(text: str) -> str | None:
    """A page title is "<record's name> · <section> · Covenant Hub": only a whole message counts,
    the record's own name is content (a <title> cannot carry a `lang` of its own)."""
    whole, _ = english_messages()
    for segment in text.split(" · "):
        if _has_english_word(segment) and whole.match(_normalise(segment)):
            return "interface message in the title"
    return None


def untranslated(page: str, language: str) -> list[Finding]:
    """Every piece of English interface text on `page` (HTML) served in `language`."""
    if not page.strip():
        return []
    root = lxml_html.document_fromstring(page)
    findings = []
    for path, text in _texts(root, language):
        reason = _title_reason(text) if path.endswith("/title") else english_reason(text)
        if reason:
            findings.append(Finding(path, _normalise(text)[:200], reason))
    return findings
