""" "Did you mean": corrections drawn from the index's own vocabulary.

Whoosh's corrector walks a field's term dictionary with a Levenshtein automaton. Our terms
are folded stems, which users should not see, so a corrected stem is turned back into a word
by finding it in the stored text of a document that contains it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from covenant_hub.language.analysis import term_table, words
from covenant_hub.search.engine.queries import Rewriter, plain_words
from covenant_hub.search.engine.schema import text_field

if TYPE_CHECKING:
    from covenant_hub.search.engine.searching import SearcherState

MIN_WORD = 3
SAMPLE_DOCS = 3
SAME_START = 1  # corrections keep the first letter: far fewer candidates to walk


def suggest(state: SearcherState, text: str, rewriter: Rewriter) -> str | None:
    """The query with unknown words replaced by their closest indexed words, or None."""
    out: list[str] = []
    changed = False
    for word in plain_words(text):
        better = None if _known(state, word, rewriter) else _correct(state, word, rewriter)
        changed = changed or better is not None
        out.append(better or word)
    return " ".join(out) if changed else None


def _known(state: SearcherState, word: str, rewriter: Rewriter) -> bool:
    for lang in rewriter.languages_for(word):
        term = term_table(lang).term(word)
        if term is None or state.doc_frequency(text_field(lang), term):
            return True
    return False


def _correct(state: SearcherState, word: str, rewriter: Rewriter) -> str | None:
    if len(word) < MIN_WORD or word.isdigit():
        return None
    best: tuple[int, int, str] | None = None
    for lang in rewriter.languages_for(word):
        fieldname = text_field(lang)
        stem = term_table(lang).term(word)
        if not stem or fieldname not in state.reader.schema:
            continue
        maxdist = 1 if len(stem) <= 4 else 2
        corrector = state.searcher.corrector(fieldname)
        for fixed in corrector.suggest(stem, limit=1, maxdist=maxdist, prefix=SAME_START):
            surface = _surface(state, lang, fieldname, fixed)
            if surface:
                rank = (_distance(word, surface), -state.doc_frequency(fieldname, fixed), surface)
                best = rank if best is None or rank < best else best
    return best[2] if best else None


def _surface(state: SearcherState, lang: str, fieldname: str, stem: str) -> str | None:
    """A word in stored text whose analysis is ``stem`` (the most common such form)."""
    term = term_table(lang).term
    counts: dict[str, int] = {}
    postings: Any = state.reader.postings(fieldname, stem)
    for n, docnum in enumerate(postings.all_ids()):
        if n >= SAMPLE_DOCS:
            break
        stored = state.searcher.stored_fields(docnum)
        for word in words(f"{stored.get('title', '')} {stored.get('body', '')}"):
            if term(word) == stem:
                counts[word] = counts.get(word, 0) + 1
    if not counts:
        return None
    return max(sorted(counts), key=lambda w: counts[w])


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short words only, so the plain algorithm is fine)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
