"""Keyword and semantic results in one ranking, without letting either bury the other's hits.

Keyword hits are same-language by nature, so a plain reciprocal-rank fusion puts every
same-language document that shares a word with the query above the foreign-language one that
answers it (on our dev set: cross-language MRR@10 0.82 by meaning alone, 0.30 after RRF).
Here the two signals meet *inside each language*: the documents of one language are ordered by
RRF of their keyword and semantic ranks, and then take that language's semantic scores as
slots, best first. Languages are interleaved by meaning; within a language the keyword order
(inflected Kyrgyz forms, exact phrases) still counts. A semantic-only candidate must reach
``MIN_SIMILARITY`` (centred cosine) so an unrelated query does not list the whole library.

One exception keeps short same-language queries as good as before: when the keyword search
found documents with *every* word of the query (it did not have to relax to "some words"), its
first ``LEAD`` hits stay on top in keyword order. Without it the judged same-language set fell
from MRR 1.0 to 0.8 in Kyrgyz (a foreign text about the same topic scored higher by meaning
than the Kyrgyz one that names it); with it both sets keep their figures. When the search had
to relax to some of the words, its leading hits that still hold every indexed word of the
query (it relaxed over a stop word: "калдыктарды болуп чогултуу") keep their place the same
way (``complete_lead``; without it that Kyrgyz query found its answer second, behind the
English text on the topic); otherwise only a short query (``SHORT_QUERY`` words: too little text for
its meaning to decide, and a misspelling like "коче" for "көчө" is typed in the reader's own
language) keeps its first keyword hit on top; a longer one is ranked by meaning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from covenant_hub.language.analysis import analyse
from covenant_hub.language.semantic import SemanticIndex
from covenant_hub.search.engine.queries import plain_words
from covenant_hub.search.engine.results import SearchHit, SearchQuery, SearchResults
from covenant_hub.search.engine.searching import SearcherState, _clamped, hits_for, run_search

RRF_K = 10
MIN_SIMILARITY = 0.15
LEAD = 3
SHORT_QUERY = 2


@dataclass(frozen=True)
class Fused:
    """A result of the fused ranking; ``by_words`` when the keyword search found it too."""

    key: str
    score: float
    by_words: bool


def fuse(
    keyword: list[str],
    semantic: dict[str, float],
    lang_of: Callable[[str], str],
    lead: int = 0,
    min_similarity: float = MIN_SIMILARITY,
) -> list[Fused]:
    """One ranking from keyword keys (best first) and semantic scores by key; the first
    ``lead`` keyword keys come first as they are."""
    words = {key: rank for rank, key in enumerate(keyword, 1)}
    ordered = sorted(semantic, key=lambda k: (-semantic[k], k))
    meaning = {key: rank for rank, key in enumerate(ordered, 1)}
    candidates = set(words) | {k for k in semantic if semantic[k] >= min_similarity}
    groups: dict[str, list[str]] = defaultdict(list)
    for key in candidates:
        groups[lang_of(key)].append(key)
    out: list[Fused] = []
    for members in groups.values():
        slots = sorted((semantic[k] for k in members if k in semantic), reverse=True)
        if not slots:  # no vectors yet (new documents): keyword order, after every scored slot
            slots = [min(semantic.values(), default=0.0)]
        slots += [slots[-1]] * (len(members) - len(slots))

        def fused(key: str) -> tuple[float, str]:
            score = 1 / (RRF_K + meaning[key]) if key in meaning else 0.0
            score += 1 / (RRF_K + words[key]) if key in words else 0.0
            return -score, key

        for slot, key in zip(slots, sorted(members, key=fused), strict=True):
            out.append(Fused(key, slot, key in words))
    out.sort(key=lambda f: (-f.score, not f.by_words, words.get(f.key, 0), f.key))
    top = max([f.score for f in out], default=0.0)
    first = [Fused(key, top, True) for key in keyword[:lead]]
    return first + [f for f in out if f.key not in set(keyword[:lead])]


def complete_lead(state: SearcherState, text: str, hits: list[SearchHit]) -> int:
    """How many of the leading keyword hits hold every indexed word of the query.

    A relaxed search ("some words") relaxes because of a word the documents lack; when that
    word is one the analyser drops anyway (a stop word such as "болуп" in "калдыктарды болуп
    чогултуу"), the first hits still hold every word that counts, and they are as good as an
    all-words match: they keep their place like one.
    """
    count = 0
    for hit in hits:
        wanted = set(analyse(text, hit.lang))
        docnum = state.searcher.document_number(key=hit.key)
        if not wanted or docnum is None:
            break
        stored = state.searcher.stored_fields(docnum)
        if not wanted <= set(analyse(f"{stored.get('title', '')} {stored.get('body', '')}", hit.lang)):
            break
        count += 1
    return count


@dataclass(frozen=True)
class Meaning:
    """The semantic side of one search: the store and the query's raw vector and language."""

    index: SemanticIndex
    vector: np.ndarray
    lang: str | None


CANDIDATES = 50  # keyword candidates fused per search
NEAREST = 200  # semantic candidates before the viewer's filters


def search_hybrid(state: SearcherState, q: SearchQuery, meaning: Meaning) -> SearchResults:
    """The keyword search of ``q`` fused with the nearest documents by meaning.

    Semantic candidates pass the same filters as keyword ones (audiences, type, sector, ...),
    but looking a key up in the searcher costs about a quarter of a millisecond, so only the
    candidates that can reach the requested page are checked (``_verified``), not all
    ``NEAREST``. Facets and the suggestion come from the keyword search; the total adds the
    semantic-only results, the unchecked ones counted at the share of the checked ones that
    passed, and is then marked as an estimate.
    """
    q = _clamped(q)
    wanted = q.page * q.page_size
    keyword = run_search(state, replace(q, page=1, page_size=max(CANDIDATES, wanted), highlight=False))
    lang_of: dict[str, str] = {h.key: h.lang for h in keyword.hits}
    nearest = dict(meaning.index.nearest(meaning.vector, meaning.lang, NEAREST, only_lang=q.lang))
    for key in nearest:
        lang_of.setdefault(key, meaning.index.lang_of(key) or "")
    missing = [h.key for h in keyword.hits if h.key not in nearest]
    nearest.update(meaning.index.scores_for(meaning.vector, meaning.lang, missing))
    # what can never be listed (too far, and not found by words) is not ranked either
    by_words = {h.key for h in keyword.hits}
    nearest = {k: v for k, v in nearest.items() if v >= MIN_SIMILARITY or k in by_words}
    lead = LEAD
    if keyword.relaxed or keyword.fallback:  # some words only: only a short query keeps its first
        lead = complete_lead(state, q.text, keyword.hits[:LEAD])
        if not lead and len(plain_words(q.text)) <= SHORT_QUERY:
            lead = 1
    docnums: dict[str, int] = {}
    fused, rejected = _verified(state, q, [h.key for h in keyword.hits], nearest, lang_of, lead, docnums)
    start = (q.page - 1) * q.page_size
    page = fused[start : start + q.page_size]
    for f in page:
        if f.key not in docnums:
            docnums[f.key] = state.searcher.document_number(key=f.key)
    hits = hits_for(state, q, [(docnums[f.key], f.score, f.by_words) for f in page])
    checked = [f for f in fused if not f.by_words and f.key in docnums]
    unchecked = sum(1 for f in fused if not f.by_words and f.key not in docnums)
    share = len(checked) / (len(checked) + rejected) if checked or rejected else 1.0
    extra = len(checked) + round(unchecked * share)
    return replace(keyword, hits=hits, total=keyword.total + extra, page=q.page, page_size=q.page_size,
                   relaxed=keyword.relaxed and not extra, semantic="on",
                   total_is_estimate=keyword.total_is_estimate or unchecked > 0)  # fmt: skip


def _verified(
    state: SearcherState,
    q: SearchQuery,
    keyword: list[str],
    nearest: dict[str, float],
    lang_of: dict[str, str],
    lead: int,
    docnums: dict[str, int],
) -> tuple[list[Fused], int]:
    """The fused ranking with every semantic candidate that can reach the first ``wanted``
    places checked against the viewer's filters (their docnums go into ``docnums``).

    A candidate below both the lowest score and the lowest similarity on those places can
    neither be placed there nor lend its similarity as a slot to one of them, so it is left
    unchecked. Returns the ranking and how many candidates the filters rejected.
    """
    wanted = q.page * q.page_size
    allowed = state.allowed_mask(q)
    known = set(keyword)  # keyword hits passed the filters already
    rejected = 0
    while True:
        fused = fuse(keyword, nearest, lambda k: lang_of.get(k, ""), lead)
        window = {f.key: f.score for f in fused[:wanted]}
        floor = min([*window.values(), *(nearest[k] for k in window if k in nearest)], default=0.0)
        doubtful = [k for k, v in nearest.items() if k not in known and (v >= floor or k in window)]
        if not doubtful:
            return fused, rejected
        for key in doubtful:
            docnum = state.searcher.document_number(key=key)
            if docnum is not None and allowed[docnum]:
                known.add(key)
                docnums[key] = docnum
            else:
                del nearest[key]
                rejected += 1
