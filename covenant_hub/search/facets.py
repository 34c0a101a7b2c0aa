"""Facet counts over a result set, and the docsets behind filters.

Whoosh's own facets re-read columns or vectors for every search. Here each segment's
docnum -> values table is built once from the postings (cheap for small vocabularies like
type, sector, country) and cached by segment id, which never changes for a segment's
content: after a refresh only new segments are read.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from covenant_hub.search.schema import FACET_FIELDS

_MAX_SEGMENTS = 256
_lock = threading.Lock()
_segment_tables: dict[tuple[str, str], dict[int, tuple[str, ...]]] = {}


def _segment_id(reader: Any) -> str | None:
    segment = getattr(reader, "segment", None)
    if segment is None:
        return None
    seg = segment() if callable(segment) else segment
    return f"{seg.indexname}:{seg.segment_id()}"


def _read_table(reader: Any, fieldname: str) -> dict[int, tuple[str, ...]]:
    """docnum -> values of one field in one segment, read from its postings."""
    values: dict[int, list[str]] = {}
    if fieldname not in reader.schema or not reader.indexed_field_names().__contains__(fieldname):
        return {}
    for raw in reader.lexicon(fieldname):
        term = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        for docnum in reader.postings(fieldname, raw).all_ids():
            values.setdefault(docnum, []).append(term)
    return {docnum: tuple(terms) for docnum, terms in values.items()}


def _table(reader: Any, fieldname: str) -> dict[int, tuple[str, ...]]:
    segid = _segment_id(reader)
    if segid is None:
        return _read_table(reader, fieldname)
    key = (segid, fieldname)
    with _lock:
        found = _segment_tables.get(key)
    if found is None:
        found = _read_table(reader, fieldname)
        with _lock:
            if len(_segment_tables) > _MAX_SEGMENTS * len(FACET_FIELDS):
                _segment_tables.clear()
            _segment_tables[key] = found
    return found


def leaves(searcher: Any) -> list[tuple[Any, int]]:
    """(segment reader, docnum offset) pairs of a searcher."""
    return [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]


def count_facets(
    searcher: Any, docnums: Iterable[int], fieldnames: Iterable[str] = FACET_FIELDS, top: int = 20
) -> dict[str, list[tuple[str, int]]]:
    """For each facet field, its most frequent values among ``docnums`` (global numbers)."""
    segments = sorted(leaves(searcher), key=lambda pair: pair[1])
    by_segment: list[list[int]] = [[] for _ in segments]
    starts = [offset for _, offset in segments]
    for docnum in sorted(docnums):
        index = _segment_index(starts, docnum)
        by_segment[index].append(docnum - starts[index])
    result: dict[str, list[tuple[str, int]]] = {}
    for fieldname in fieldnames:
        counter: Counter[str] = Counter()
        for (reader, _), local in zip(segments, by_segment, strict=True):
            if not local:
                continue
            table = _table(reader, fieldname)
            for docnum in local:
                counter.update(table.get(docnum, ()))
        result[fieldname] = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return result


def _segment_index(starts: list[int], docnum: int) -> int:
    """Binary search for the segment holding a global docnum."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= docnum:
            lo = mid
        else:
            hi = mid - 1
    return lo
