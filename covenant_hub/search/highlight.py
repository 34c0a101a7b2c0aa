"""Snippets with the matched words in <mark>, everything else HTML-escaped.

The stored text is re-analysed with the document language's analyser (keeping character
offsets), so an inflected word in the text lights up when its stem was searched.
"""

from __future__ import annotations

from html import escape

from whoosh import highlight

from covenant_hub.search.analysis import LanguageAnalyzer

SNIPPET_CHARS = 180


class MarkFormatter(highlight.Formatter):  # type: ignore[misc]
    """Wraps matches in <mark>; whoosh calls _text for the text between matches."""

    between = " … "

    def _text(self, text: str) -> str:
        return escape(text, quote=False)

    def format_token(self, text: str, token: highlight.Token, replace: bool = False) -> str:
        return "<mark>" + escape(highlight.get_text(text, token, replace), quote=False) + "</mark>"


_FORMATTER = MarkFormatter()


def snippet(text: str, lang: str, terms: set[str], maxchars: int = SNIPPET_CHARS) -> str:
    """The best fragments of ``text`` around ``terms``; the escaped opening when none match."""
    if not text:
        return ""
    if terms:
        fragmenter = highlight.ContextFragmenter(maxchars=maxchars, surround=maxchars // 3)
        marked = highlight.highlight(
            text, terms, LanguageAnalyzer(lang), fragmenter, _FORMATTER, top=2, mode="query"
        )
        if marked:
            return str(marked)
    opening = text[:maxchars]
    return escape(opening, quote=False) + ("…" if len(text) > maxchars else "")


def mark_all(text: str, lang: str, terms: set[str]) -> str:
    """The whole (short) text, e.g. a title, with every match marked."""
    if not terms or not text:
        return escape(text, quote=False)
    fragmenter = highlight.WholeFragmenter()
    marked = highlight.highlight(text, terms, LanguageAnalyzer(lang), fragmenter, _FORMATTER, top=1)
    return str(marked) if marked else escape(text, quote=False)
