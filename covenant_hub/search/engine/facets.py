"""Facet counts over a result set, vectorised.

For each facet field the (document, value) pairs are read once per searcher from the posting
lists (the decoded lists are cached per segment, so a refresh after a small commit only reads
the new segment). Counting is then one ``bincount`` over the pairs whose document matched,
which handles multi-valued fields such as sectors the same way as single-valued ones.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from covenant_hub.search.engine.schema import FACET_FIELDS

if TYPE_CHECKING:
    from covenant_hub.search.engine.vector import VectorSearcher

TOP_VALUES = 20


@dataclass(frozen=True)
class FacetPairs:
    """Every (document, value code) pair of one field, and the values the codes stand for."""

    values: list[str]
    docs: np.ndarray
    codes: np.ndarray


class FacetTables:
    """Per-searcher cache of facet pairs."""

    def __init__(self, vector: VectorSearcher) -> None:
        self.vector = vector
        self._pairs: dict[str, FacetPairs] = {}
        self._lock = threading.Lock()

    def pairs(self, fieldname: str) -> FacetPairs:
        with self._lock:
            found = self._pairs.get(fieldname)
        if found is None:
            found = self._read(fieldname)
            with self._lock:
                self._pairs[fieldname] = found
        return found

    def _read(self, fieldname: str) -> FacetPairs:
        reader = self.vector.searcher.reader()
        values: list[str] = []
        doc_parts: list[np.ndarray] = []
        code_parts: list[np.ndarray] = []
        if fieldname in reader.schema:
            for raw in reader.lexicon(fieldname):
                value = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
                ids, _ = self.vector.postings(fieldname, value)
                doc_parts.append(ids)
                code_parts.append(np.full(len(ids), len(values), dtype=np.int32))
                values.append(value)
        if not doc_parts:
            return FacetPairs([], np.zeros(0, np.int64), np.zeros(0, np.int32))
        return FacetPairs(values, np.concatenate(doc_parts).astype(np.int64), np.concatenate(code_parts))

    def count(
        self, matched: np.ndarray, fieldnames: tuple[str, ...] = FACET_FIELDS, top: int = TOP_VALUES
    ) -> dict[str, list[tuple[str, int]]]:
        """For each field, its most frequent values among the matched documents (a bool mask)."""
        result: dict[str, list[tuple[str, int]]] = {}
        for fieldname in fieldnames:
            pairs = self.pairs(fieldname)
            if not pairs.values:
                result[fieldname] = []
                continue
            counts = np.bincount(pairs.codes[matched[pairs.docs]], minlength=len(pairs.values))
            nonzero = [(pairs.values[i], int(counts[i])) for i in np.flatnonzero(counts)]
            result[fieldname] = sorted(nonzero, key=lambda kv: (-kv[1], kv[0]))[:top]
        return result
