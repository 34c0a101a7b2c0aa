"""Snippets with the matched words in <mark>, everything else HTML-escaped.

The stored text is re-analysed with the document language's analyser (keeping character
offsets), so an inflected word in the text lights up when its stem was searched. Whoosh's own
highlighter is not used: its context fragmenter took milliseconds per short document.
"""

from __future__ import annotations

import re
from html import escape

from covenant_hub.language.analysis import LanguageAnalyzer

SNIPPET_CHARS = 180
ELLIPSIS = "…"
# Markdown markers read as noise in a one-line snippet ("## Results", "**700** t"); the escaped
# snippet never holds `*` or `#` inside a tag or an entity, so they can be dropped from it.
MARKDOWN_NOISE = re.compile(r"\*\*|__|(?:^|(?<=\s))#{1,6} ")


def _matches(text: str, lang: str, terms: set[str]) -> list[tuple[int, int]]:
    """(start, end) character spans of the words whose analysis is one of ``terms``."""
    if not terms:
        return []
    tokens = LanguageAnalyzer(lang)(text, chars=True, removestops=False)
    return [(t.startchar, t.endchar) for t in tokens if t.text in terms]


def _render(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """``text[start:end]`` escaped, with the spans inside it wrapped in <mark>."""
    out: list[str] = []
    cursor = start
    for left, right in spans:
        if left < start or right > end:
            continue
        out.append(escape(text[cursor:left], quote=False))
        out.append("<mark>" + escape(text[left:right], quote=False) + "</mark>")
        cursor = right
    out.append(escape(text[cursor:end], quote=False))
    return "".join(out)


def _best_window(spans: list[tuple[int, int]], maxchars: int) -> int:
    """The start of the window of ``maxchars`` holding the most matches (earliest on ties)."""
    best_start, best_count = spans[0][0], 0
    right = 0
    for left, (start, _) in enumerate(spans):
        while right < len(spans) and spans[right][1] <= start + maxchars:
            right += 1
        if right - left > best_count:
            best_start, best_count = start, right - left
    return best_start


def snippet(text: str, lang: str, terms: set[str], maxchars: int = SNIPPET_CHARS) -> str:
    """The best passage of ``text`` around the matches, without Markdown markers."""
    return MARKDOWN_NOISE.sub("", _passage(text, lang, terms, maxchars))


def _passage(text: str, lang: str, terms: set[str], maxchars: int) -> str:
    """The escaped passage with the most matches; the escaped opening when none match."""
    if not text:
        return ""
    spans = _matches(text, lang, terms)
    if not spans:
        opening = escape(text[:maxchars], quote=False)
        return opening + (ELLIPSIS if len(text) > maxchars else "")
    start = max(0, _best_window(spans, maxchars) - maxchars // 4)
    space = text.rfind(" ", 0, start + 1) if start else 0
    start = space + 1 if space > 0 and start - space < 20 else start
    end = min(len(text), start + maxchars)
    body = _render(text, start, end, spans)
    return (ELLIPSIS if start else "") + body + (ELLIPSIS if end < len(text) else "")


def mark_all(text: str, lang: str, terms: set[str]) -> str:
    """The whole (short) text, e.g. a title, with every match marked."""
    return _render(text, 0, len(text), _matches(text, lang, terms))
