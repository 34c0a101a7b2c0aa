"""Running a SearchQuery against one searcher: build, filter, score, page, decorate.

``SearcherState`` carries what is safe to cache for as long as the searcher's view of the
index does not change: document frequencies, prefix expansions, filter docsets (who may
see what), and the languages present.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from typing import Any

import numpy as np
from whoosh import query

from covenant_hub.language.analysis import GENERIC, LANGUAGES, analyse
from covenant_hub.language.detection import CYRILLIC, LATIN, scripts_of
from covenant_hub.language.names import name_key
from covenant_hub.search.engine.facets import FacetTables
from covenant_hub.search.engine.glossary import default_glossary
from covenant_hub.search.engine.highlight import mark_all, snippet
from covenant_hub.search.engine.queries import Rewriter, has_operators, parse, plain_words, words_query
from covenant_hub.search.engine.results import SearchHit, SearchQuery, SearchResults
from covenant_hub.search.engine.schema import text_field
from covenant_hub.search.engine.suggest import suggest
from covenant_hub.search.engine.vector import TypeNormalisedBM25, VectorSearcher

_RANGES = (
    (0x0400, 0x04FF, CYRILLIC), (0x0370, 0x03FF, "grek"), (0x0530, 0x058F, "armn"), (0x0600, 0x06FF, "arab"),
)  # fmt: skip
_MAX_CACHE = 50_000
_MAX_FILTERS = 64
MAX_PAGE_SIZE = 100


def word_script(word: str) -> str | None:
    """The script of a word's first letter; None for digits (they belong to every language)."""
    for ch in word:
        if ch.isalpha():
            code = ord(ch)
            for low, high, script in _RANGES:
                if low <= code <= high:
                    return script
            return LATIN
    return None


class SearcherState:
    """A searcher and the caches that are valid for its generation of the index."""

    def __init__(self, searcher: Any, generation: int = -1) -> None:
        self.searcher = searcher
        self.generation = generation
        self.reader = searcher.reader()
        self._lock = threading.Lock()
        self._df: dict[tuple[str, str], int] = {}
        self._filters: OrderedDict[tuple[Any, ...], set[int]] = OrderedDict()
        # Present: the field holds text, if only a Latin run inside another language's document.
        self.languages = tuple(
            lang for lang in LANGUAGES
            if text_field(lang) in self.reader.schema and self.reader.field_length(text_field(lang))
        )  # fmt: skip
        self.visible_count = int(self.reader.doc_count())
        self.vector = VectorSearcher(searcher)
        if isinstance(searcher.weighting, TypeNormalisedBM25):
            searcher.weighting.bind(self.vector)
        self.facets = FacetTables(self.vector)
        self._masks: dict[tuple[Any, ...], np.ndarray] = {}

    def doc_frequency(self, fieldname: str, term: str) -> int:
        key = (fieldname, term)
        found = self._df.get(key)
        if found is None:
            try:
                found = int(self.reader.doc_frequency(fieldname, term))
            except Exception:  # noqa: BLE001 - a term the field cannot encode is absent
                found = 0
            if len(self._df) > _MAX_CACHE:
                self._df.clear()
            self._df[key] = found
        return found

    def expand_prefix(self, fieldname: str, prefix: str) -> list[str]:
        if fieldname not in self.reader.schema:
            return []
        return [_text(t) for t in islice(self.reader.expand_prefix(fieldname, prefix), 1000)]

    def languages_for(self, word: str, user_lang: str | None = None, only: str | None = None) -> list[str]:
        """The languages a query word may be in: present in the index and written in its script."""
        if only:
            return [only if only in LANGUAGES else GENERIC]
        script = word_script(word)
        chosen = [
            lang for lang in self.languages
            if script is None or lang == GENERIC or script in scripts_of(lang)
        ]  # fmt: skip
        if user_lang in chosen:
            chosen.remove(user_lang)
            chosen.insert(0, user_lang)
        return chosen or [GENERIC]

    def allowed_mask(self, q: SearchQuery) -> np.ndarray:
        """The allowed docset as a dense boolean array, for the vectorised path."""
        key = _filter_key(q)
        found = self._masks.get(key)
        if found is None:
            found = np.zeros(self.vector.n, dtype=bool)
            docs = self.allowed_docs(q)
            if docs:
                found[np.fromiter(docs, dtype=np.int64, count=len(docs))] = True
            if len(self._masks) > _MAX_FILTERS:
                self._masks.clear()
            self._masks[key] = found
        return found

    def allowed_docs(self, q: SearchQuery) -> set[int]:
        """Docnums the viewer may see and the filters keep, cached per distinct filter."""
        key = _filter_key(q)
        with self._lock:
            found = self._filters.get(key)
            if found is not None:
                self._filters.move_to_end(key)
                return found
        found = set(self.searcher.docs_for_query(_filter_query(q)))  # whoosh wants a set
        with self._lock:
            self._filters[key] = found
            while len(self._filters) > _MAX_FILTERS:
                self._filters.popitem(last=False)
        return found


def _filter_key(q: SearchQuery) -> tuple[Any, ...]:
    return (q.audiences, q.lang, q.types, q.sectors, q.countries, q.kinds, q.years, q.group_id)


def _text(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _any_of(fieldname: str, values: tuple[str, ...]) -> query.Query:
    return query.Or([query.Term(fieldname, v) for v in values])


def _filter_query(q: SearchQuery) -> query.Query:
    parts: list[query.Query] = [_any_of("audience", q.audiences) if q.audiences else query.NullQuery]
    pairs = (("type", q.types), ("sector", q.sectors), ("country", q.countries), ("kind", q.kinds),
             ("year", q.years))  # fmt: skip
    parts.extend(_any_of(name, values) for name, values in pairs if values)
    if q.lang:
        parts.append(query.Term("lang", q.lang))
    if q.group_id:
        parts.append(query.Term("group", q.group_id))
    return query.And(parts)


@dataclass
class _Run:
    """What one execution of a query produced: the best (docnum, score) pairs and the count."""

    top: list[tuple[int, float]]
    total: int
    estimate: bool
    matched: np.ndarray | None  # bool mask over docnums, when counted exactly


def _execute(state: SearcherState, built: query.Query, q: SearchQuery, allowed: set[int]) -> _Run:
    limit = q.page * q.page_size
    exact = q.facets or q.exact_total
    if state.vector.supports(built):
        node = state.vector.evaluate(built)
        by_date = q.sort == "date"
        top, total, estimate, matched = state.vector.top(node, state.allowed_mask(q), limit, exact, by_date)
        return _Run(top, total, estimate, matched)
    everything = len(allowed) == state.visible_count
    kwargs: dict[str, Any] = {"limit": limit, "filter": None if everything else allowed}
    if q.sort == "date" or isinstance(built, query.Every):
        kwargs.update(sortedby="date", reverse=True)
    results = state.searcher.search(built, **kwargs)
    top = [(hit.docnum, float(hit.score or 0.0)) for hit in results]
    scored = results.scored_length()
    if exact:
        docnums = allowed.intersection(state.searcher.docs_for_query(built))
        return _Run(top, len(docnums), False, _as_mask(state, np.fromiter(docnums, np.int64, len(docnums))))
    # Counting every match would undo the top-N pruning: report "at least" instead.
    return _Run(top, scored, scored >= limit, None)


def _as_mask(state: SearcherState, docnums: np.ndarray) -> np.ndarray:
    mask = np.zeros(state.vector.n, dtype=bool)
    mask[docnums] = True
    return mask


def _build(text: str, rewriter: Rewriter) -> tuple[query.Query | None, bool]:
    """The rewritten parsed query, or the plain-words fallback (second value True)."""
    if not text:
        return query.Every(), False
    try:
        parsed = parse(text)
        built = rewriter.rewrite(parsed) if parsed is not None else None
        if parsed is not None and (built is not None or not plain_words(text)):
            return built, False
    except Exception:  # noqa: BLE001, S110 - malformed trees fall back to words
        pass
    return words_query(plain_words(text), rewriter), True


def _rewriter(state: SearcherState, q: SearchQuery, translate: bool = False) -> Rewriter:
    languages = partial(state.languages_for, user_lang=q.user_lang, only=q.lang)
    glossary = default_glossary() if translate and q.translate else None
    return Rewriter(languages, state.doc_frequency, state.expand_prefix, glossary=glossary)


def run_search(state: SearcherState, q: SearchQuery) -> SearchResults:
    """Search with ``q``; user input never raises (bad syntax falls back to plain words).

    The query as typed ranks first; what only its glossary translation finds comes after
    every one of those results (see ``_translated``), so the words typed keep their order."""
    q = _clamped(q)
    text = q.text.strip()
    allowed = state.allowed_docs(q)
    rewriter = _rewriter(state, q)
    built, fallback = _build(text, rewriter)
    if built is None or not allowed:  # whoosh reads an empty filter as "no filter"
        return SearchResults([], 0, q.page, q.page_size, fallback=fallback)
    run = _safe_execute(state, built, q, allowed)
    if run is None:
        built, fallback = words_query(plain_words(text), rewriter), True
        run = _safe_execute(state, built, q, allowed) if built is not None else None
    if q.translate and not has_operators(text):
        rewriter, run = _translated(state, q, text, allowed, rewriter, run)
    relaxed = False
    if run is not None and run.total == 0 and not has_operators(text) and len(plain_words(text)) > 1:
        loosening = _rewriter(state, q)
        loose = words_query(plain_words(text), loosening, any_word=True)
        relaxed_run = _safe_execute(state, loose, q, allowed) if loose is not None else None
        if q.translate:  # some of the words, then what only some of their equivalents find
            loosening, relaxed_run = _translated(state, q, text, allowed, loosening, relaxed_run, True)
        if relaxed_run is not None and relaxed_run.total > 0:
            run, relaxed, rewriter = relaxed_run, True, loosening
    if run is not None and q.sort != "date" and text:
        run = _namesakes_first(state, text, allowed, run)
    return _assemble(state, q, run, rewriter, text, fallback, relaxed)


def _namesakes_first(state: SearcherState, text: str, allowed: set[int], run: _Run) -> _Run:
    """The documents titled exactly `text`, in any script ("Ош" for "Osh"), ahead of the rest."""
    key = name_key(text)
    if not key:
        return run
    named = sorted(d for d in state.searcher.docs_for_query(query.Term("name_key", key)) if d in allowed)
    if not named:
        return run
    best = max((score for _, score in run.top), default=1.0)
    listed = {d for d, _ in run.top}
    top = [(d, best + 1.0) for d in named] + [(d, s) for d, s in run.top if d not in set(named)]
    added = sum(1 for d in named if d not in listed)
    matched = run.matched
    if matched is not None:
        matched = matched.copy()
        added = int(np.count_nonzero(~matched[named]))
        matched[named] = True
    return _Run(top, run.total + added, run.estimate, matched)


def _translated(
    state: SearcherState,
    q: SearchQuery,
    text: str,
    allowed: set[int],
    rewriter: Rewriter,
    run: _Run | None,
    any_word: bool = False,
) -> tuple[Rewriter, _Run | None]:
    """The run with the documents only the glossary's equivalents find appended after all of
    its own, and the rewriter that knows both kinds of terms; unchanged when nothing is added."""
    translating = _rewriter(state, q, translate=True)
    built = words_query(plain_words(text), translating, any_word=any_word)
    if built is None or not translating.translated_terms:
        return rewriter, run
    limit = q.page * q.page_size
    deep = replace(q, page=1, page_size=limit + (run.total if run else 0))
    extra = _safe_execute(state, built, deep, allowed)
    if extra is None or extra.total == 0:
        return rewriter, run
    if run is None or run.total == 0:
        return translating, _Run(extra.top[:limit], extra.total, extra.estimate, extra.matched)
    if run.matched is not None and extra.matched is not None:
        known = run.matched
        added = int(np.count_nonzero(extra.matched & ~known))
        matched: np.ndarray | None = run.matched | extra.matched
    else:  # counted "at least": only the listed documents are known
        known = np.zeros(state.vector.n, dtype=bool)
        known[[d for d, _ in run.top]] = True
        added, matched = 0, None
    only = [(d, s) for d, s in extra.top if not known[d]]
    top = run.top + only[: max(0, limit - run.total)] if run.total < limit else run.top
    return translating, _Run(top, run.total + added, run.estimate or extra.estimate, matched)


def _safe_execute(state: SearcherState, built: query.Query, q: SearchQuery, allowed: set[int]) -> _Run | None:
    try:
        return _execute(state, built, q, allowed)
    except Exception:  # noqa: BLE001 - e.g. a range over a field that cannot take it
        return None


def _clamped(q: SearchQuery) -> SearchQuery:
    page_size = min(max(1, q.page_size), MAX_PAGE_SIZE)
    return replace(q, page=min(max(1, q.page), 1000), page_size=page_size)


def _assemble(
    state: SearcherState, q: SearchQuery, run: _Run | None, rewriter: Rewriter, text: str, fallback: bool,
    relaxed: bool,
) -> SearchResults:  # fmt: skip
    suggestion = None
    if q.suggest and text and (run is None or run.total == 0 or rewriter.unknown_words):
        suggestion = suggest(state, text, rewriter)
    if run is None:
        return SearchResults([], 0, q.page, q.page_size, suggestion=suggestion, fallback=True)
    start = (q.page - 1) * q.page_size
    hits = [_hit(state, docnum, score, q, rewriter) for docnum, score in run.top[start : start + q.page_size]]
    facets = state.facets.count(run.matched) if q.facets and run.matched is not None else {}
    return SearchResults(
        hits, run.total, q.page, q.page_size, facets=facets, suggestion=suggestion, fallback=fallback,
        relaxed=relaxed, total_is_estimate=run.estimate,
    )  # fmt: skip


def _hit(state: SearcherState, docnum: int, score: float, q: SearchQuery, rewriter: Rewriter) -> SearchHit:
    stored = state.searcher.stored_fields(docnum)
    lang = str(stored.get("lang", GENERIC))
    title = str(stored.get("title", ""))
    own = rewriter.matched_terms.get(text_field(lang), set())
    translated = rewriter.translated_terms.get(text_field(lang), set())
    terms = own | translated
    snippet_html = title_html = ""
    if q.highlight:
        snippet_html = snippet(str(stored.get("body", "")), lang, terms)
        title_html = mark_all(title, lang, terms)
    matched_by = "words"
    if translated - own:
        held = set(analyse(f"{title} {stored.get('body', '')}", lang))
        matched_by = "translation" if not held & own and held & translated else "words"
    return SearchHit(
        key=str(stored["key"]), type=str(stored.get("type", "")), ext_id=str(stored.get("ext_id", "")),
        title=title, score=score, lang=lang, date=int(stored.get("day") or 0),
        snippet=snippet_html, title_html=title_html, matched_by=matched_by,
    )  # fmt: skip


def hits_for(state: SearcherState, q: SearchQuery, ranked: list[tuple[int, float, bool]]) -> list[SearchHit]:
    """Hits for chosen (docnum, score, found by words) triples, highlighted with ``q``'s words.

    Used by the hybrid ranking; a hit not found by words is marked "matched by meaning".
    """
    rewriter = _rewriter(state, q)
    _build(q.text.strip(), rewriter)
    hits = [_hit(state, docnum, score, q, rewriter) for docnum, score, _ in ranked]
    marked = zip(hits, (words for _, _, words in ranked), strict=True)
    return [hit if words else replace(hit, matched_by="meaning") for hit, words in marked]
