"""A search hit once per practice: the language versions of one practice collapse to one hit,
the version best for the reader's language among those that matched.

The index keeps every version as its own document (each is analysed in its own language), so
the collapse happens on the ranked hits: the service asks for the pages up to the requested
one with room for every practice's versions, keeps each practice at the rank of its best-scoring
version, shows the version the reader reads best, and cuts the requested page from the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from covenant_hub.search.engine.results import SearchHit, SearchQuery, SearchResults
from covenant_hub.search.engine.searching import MAX_PAGE_SIZE

#: Language versions a practice may have in the window asked for (ky, ru and en).
VERSIONS = 3

Families = Mapping[int, tuple[str, str]]  # practice id -> (family key, language)


def collapses(q: SearchQuery) -> bool:
    """With a language filter only one version of a practice can match: nothing to collapse."""
    return not q.lang and (not q.types or "practice" in q.types)


def window(q: SearchQuery) -> SearchQuery:
    """The search to run instead of `q`: every hit up to `q`'s page, with room for versions."""
    size = q.page * q.page_size * VERSIONS
    if size > MAX_PAGE_SIZE:  # deep pages: collapse within the page itself
        return q
    return replace(q, page=1, page_size=size)


def practice_id(hit: SearchHit) -> int | None:
    if hit.type != "practice" or not hit.key.startswith("practice:"):
        return None
    number = hit.key.removeprefix("practice:")
    return int(number) if number.isdigit() else None


def collapse(
    results: SearchResults, q: SearchQuery, families_of: Callable[[list[int]], Families],
    reading_order: tuple[str, ...],
) -> SearchResults:  # fmt: skip
    """`results` of `window(q)` with one hit per practice, cut to `q`'s page."""
    ids = [pid for pid in map(practice_id, results.hits) if pid is not None]
    families = families_of(ids) if ids else {}
    order = {code: rank for rank, code in enumerate(reading_order)}
    slots: list[SearchHit] = []
    best: dict[str, int] = {}  # family -> index in slots
    for hit in results.hits:
        pid = practice_id(hit)
        family, language = families.get(pid, (None, hit.lang)) if pid is not None else (None, hit.lang)
        if family is None:
            slots.append(hit)
        elif family not in best:
            best[family] = len(slots)
            slots.append(hit)
        elif order.get(language, len(order)) < order.get(slots[best[family]].lang, len(order)):
            slots[best[family]] = replace(hit, score=slots[best[family]].score)
    removed = len(results.hits) - len(slots)
    total = max(len(slots), results.total - removed)
    if results.page == q.page and results.page_size == q.page_size:  # collapsed within the page
        return replace(results, hits=slots, total=total)
    start = (q.page - 1) * q.page_size
    return replace(
        results, hits=slots[start : start + q.page_size], total=total, page=q.page, page_size=q.page_size
    )
