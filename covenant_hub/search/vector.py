"""Vectorised evaluation of the common query shapes over Whoosh's posting lists.

Whoosh walks posting lists one document at a time in Python, which makes queries on common
words slow (tens of milliseconds at 100,000 documents). Most searches are ANDs and ORs of
terms, phrases and prefixes, so for those we read each posting list once per segment, block by
block, into numpy arrays (cached: segments never change), and combine whole arrays: a dense
match mask and a BM25 score per document (the same formula and parameters as Whoosh's BM25F).
Phrases compare whole position arrays (decoded once per term and segment, then cached).
Anything else (ranges, match-all, date sort) goes through Whoosh's own searcher.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import chain
from math import log
from pickle import loads  # noqa: S403 - Whoosh's own posting values
from typing import Any

import numpy as np
from whoosh import query
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

from covenant_hub.search.schema import FILTER_FIELDS

B, K1 = 0.75, 1.2
_LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
_CACHE_BYTES = 160 * 1024 * 1024
SELECTIVE_SHARE = 4  # decode only some postings when fewer than 1 in 4 are needed
_SUPPORTED = (query.Term, query.Phrase, query.And, query.Or, query.Not, query.AndNot, query.AndMaybe)

Ranked = tuple[list[tuple[int, float]], int, bool, "np.ndarray | None"]


class _PostingCache:
    """LRU of decoded posting lists keyed by (segment, field, term), bounded in bytes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def get(self, key: tuple[str, str, str]) -> tuple[np.ndarray, np.ndarray] | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str, str], value: tuple[np.ndarray, np.ndarray]) -> None:
        size = value[0].nbytes + value[1].nbytes
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.used += size
            while self.used > self.budget and self.items:
                _, (ids, weights) = self.items.popitem(last=False)
                self.used -= ids.nbytes + weights.nbytes


_POSTINGS = _PostingCache(_CACHE_BYTES)


def _segment_key(reader: Any) -> str:
    segment = reader.segment()
    return f"{segment.indexname}:{segment.segment_id()}"


def _unwrap(matcher: Any) -> Any:
    """Deleted documents are masked later, so read the raw leaf matcher."""
    while hasattr(matcher, "child") and not hasattr(matcher, "_read_ids"):
        matcher = matcher.child
    return matcher


def _decode(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """All (docnum, term frequency) pairs of a posting list, a block at a time."""
    if not hasattr(matcher, "_read_ids"):  # tiny lists inlined in the term dictionary
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32)
    id_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        id_parts.append(np.asarray(matcher._ids, dtype=np.int32))
        weight_parts.append(np.asarray(matcher._weights, dtype=np.float32))
        matcher._next_block()
    if not id_parts:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def _decode_positions(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """Every (docnum, position) of a posting list: the pickled deltas, decoded once."""
    docs: list[int] = []
    lengths: list[int] = []
    deltas: list[int] = []
    if not hasattr(matcher, "_read_ids"):
        while matcher.is_active():
            found = list(matcher.value_as("positions"))
            docs.append(matcher.id())
            lengths.append(len(found))
            deltas.extend(np.diff(found, prepend=0).tolist())
            matcher.next()
    else:
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_values()
            docs.extend(matcher._ids)
            decoded = [loads(value[4:]) for value in matcher._values]  # noqa: S301 - the index's own data
            lengths.extend(map(len, decoded))
            deltas.extend(chain.from_iterable(decoded))
            matcher._next_block()
    if not docs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    counts = np.asarray(lengths, dtype=np.int64)
    flat = np.cumsum(np.asarray(deltas, dtype=np.int64))
    ends = np.cumsum(counts)
    restart = np.repeat(np.concatenate(([0], flat[ends[:-1] - 1])), counts)
    return np.repeat(np.asarray(docs, dtype=np.int64), counts), flat - restart


def _decode_some(matcher: Any, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the postings at the ``wanted`` (ascending) indexes, reading only their blocks."""
    docs: list[int] = []
    positions: list[int] = []
    base = k = 0
    total = len(wanted)
    while matcher.is_active() and k < total:
        size = matcher._blocklength
        if wanted[k] < base + size:
            matcher._read_ids()
            matcher._read_values()
            while k < total and wanted[k] < base + size:
                j = int(wanted[k]) - base
                at = 0
                for delta in loads(matcher._values[j][4:]):  # noqa: S301 - the index's own data
                    at += delta
                    docs.append(matcher._ids[j])
                    positions.append(at)
                k += 1
        base += size
        matcher._next_block()
    return np.asarray(docs, dtype=np.int64), np.asarray(positions, dtype=np.int64)


@dataclass
class Node:
    """A query's matches as a dense mask, and a score per document."""

    mask: np.ndarray
    score: np.ndarray


class VectorSearcher:
    """Evaluates supported queries for one Whoosh searcher (one index generation)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.n = int(searcher.doc_count_all())
        pairs = sorted(((sub.reader(), off) for sub, off in searcher.leaf_searchers()), key=lambda p: p[1])
        self.leaves = [(reader, offset, _segment_key(reader)) for reader, offset in pairs]
        self.starts = [offset for _, offset, _ in self.leaves]
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    # -- what we can do ------------------------------------------------------------------------

    def supports(self, q: query.Query) -> bool:
        if isinstance(q, query.ConstantScoreQuery):
            return isinstance(q.child, query.Or) and all(type(c) is query.Term for c in q.child.subqueries)
        if type(q) not in _SUPPORTED:
            return False
        if isinstance(q, (query.Term, query.Phrase)):
            return True
        return all(self.supports(child) for child in q.children())

    # -- posting lists and lengths -------------------------------------------------------------

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Global docnums and term frequencies of a term across all segments."""
        id_parts, weight_parts = [], []
        for segment, (_, offset, _) in enumerate(self.leaves):
            ids, weights = self.segment_postings(segment, fieldname, text)
            if len(ids):
                id_parts.append(ids + offset if offset else ids)
                weight_parts.append(weights)
        if not id_parts:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        if len(id_parts) == 1:
            return id_parts[0], weight_parts[0]
        return np.concatenate(id_parts), np.concatenate(weight_parts)

    @staticmethod
    def _read_segment(reader: Any, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        try:
            if not reader.__contains__((fieldname, text)):
                return np.zeros(0, np.int32), np.zeros(0, np.float32)
            return _decode(_unwrap(reader.postings(fieldname, text)))
        except Exception:  # noqa: BLE001 - a term the field cannot encode is simply absent
            return np.zeros(0, np.int32), np.zeros(0, np.float32)

    def lengths(self, fieldname: str) -> np.ndarray:
        """Every document's length in ``fieldname`` (the byte-coded lengths Whoosh stores)."""
        with self._lock:
            found = self._lengths.get(fieldname)
        if found is not None:
            return found
        out = np.zeros(self.n, dtype=np.float32)
        for reader, offset, _ in self.leaves:
            column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
            if column is None:
                continue
            raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
            out[offset : offset + len(raw)] = _LENGTHS[raw]
        with self._lock:
            self._lengths[fieldname] = out
        return out

    # -- evaluation ----------------------------------------------------------------------------

    def evaluate(self, q: query.Query) -> Node:
        if isinstance(q, query.Term):
            return self._term(q.fieldname, str(q.text), q.boost)
        if isinstance(q, query.Phrase):
            return self._phrase(q)
        if isinstance(q, query.ConstantScoreQuery):
            return self._any_term(q)
        if isinstance(q, query.Not):
            inner = self.evaluate(q.query)
            return Node(~inner.mask, np.zeros(self.n, np.float32))
        if isinstance(q, query.AndNot):
            a, b = self.evaluate(q.a), self.evaluate(q.b)
            return Node(a.mask & ~b.mask, a.score)
        if isinstance(q, query.AndMaybe):
            a, b = self.evaluate(q.a), self.evaluate(q.b)
            return Node(a.mask, a.score + np.where(b.mask, b.score, 0))
        children = [self.evaluate(c) for c in q.subqueries]
        return _and(children) if isinstance(q, query.And) else _or(children)

    def _term(self, fieldname: str, text: str, boost: float = 1.0) -> Node:
        mask = np.zeros(self.n, dtype=bool)
        score = np.zeros(self.n, dtype=np.float32)
        ids, tf = self.postings(fieldname, text)
        if not len(ids):
            return Node(mask, score)
        mask[ids] = True
        if fieldname in FILTER_FIELDS or fieldname in ("key", "audience"):
            return Node(mask, score)
        idf = log(self.n / (len(ids) + 1)) + 1
        avg = self.searcher.avg_field_length(fieldname, 1.0) or 1.0
        fl = self.lengths(fieldname)[ids]
        score[ids] = (boost * idf) * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avg))
        return Node(mask, score)

    def _any_term(self, q: query.ConstantScoreQuery) -> Node:
        """A prefix's terms as one mask with a constant score: no per-term scoring work."""
        mask = np.zeros(self.n, dtype=bool)
        for term in q.child.subqueries:
            ids, _ = self.postings(term.fieldname, str(term.text))
            mask[ids] = True
        return Node(mask, mask.astype(np.float32) * np.float32(q.score))

    def _phrase(self, q: query.Phrase) -> Node:
        words = [str(w) for w in q.words]
        node = _and([self._term(q.fieldname, w, q.boost) for w in words])
        if len(words) < 2 or not node.mask.any():
            return node
        mask = self._adjacent(q.fieldname, words, node.mask)
        node.score[~mask] = 0
        return Node(mask, node.score)

    def segment_postings(self, segment: int, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        reader, _, segkey = self.leaves[segment]
        key = (segkey, fieldname, text)
        found = _POSTINGS.get(key)
        if found is None:
            found = self._read_segment(reader, fieldname, text)
            _POSTINGS.put(key, found)
        return found

    def positions(
        self, segment: int, fieldname: str, text: str, local: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(local docnum, position) arrays of a term in one segment, for the docs in ``local``.

        A term whose positions are needed for many of its documents is decoded whole and
        cached; for a few documents only their blocks are read (cheaper, not cached).
        """
        reader, _, segkey = self.leaves[segment]
        key = (segkey, fieldname, "\x00pos:" + text)
        found = _POSTINGS.get(key)
        if found is not None:
            return found
        ids, _ = self.segment_postings(segment, fieldname, text)
        wanted = np.flatnonzero(local[ids]) if len(ids) else ids
        try:
            matcher = _unwrap(reader.postings(fieldname, text))
            if len(wanted) * SELECTIVE_SHARE < len(ids) and hasattr(matcher, "_read_ids"):
                return _decode_some(matcher, wanted)
            found = _decode_positions(matcher)
        except Exception:  # noqa: BLE001 - absent term
            found = (np.zeros(0, np.int64), np.zeros(0, np.int64))
        _POSTINGS.put(key, found)
        return found

    def _adjacent(self, fieldname: str, words: list[str], candidates: np.ndarray) -> np.ndarray:
        """The candidates (a mask) where ``words`` occur one after another, all at once.

        Each word's positions become keys ``doc << 32 | (position - place in the phrase)``;
        a document matches when every word has a common key. Rarer words go first, and each
        narrows the documents whose positions the next word must read.
        """
        out = np.zeros(self.n, dtype=bool)
        for segment, (_, offset, _) in enumerate(self.leaves):
            local = candidates[offset : offset + self._segment_size(segment)].copy()
            if not local.any():
                continue
            keys = self._phrase_keys(segment, fieldname, words, local)
            if len(keys):
                out[offset + (keys >> 32)] = True
        return out

    def _phrase_keys(self, segment: int, fieldname: str, words: list[str], local: np.ndarray) -> np.ndarray:
        order = sorted(
            range(len(words)), key=lambda i: len(self.segment_postings(segment, fieldname, words[i])[0])
        )
        keys: np.ndarray | None = None
        for i in order:
            docs, pos = self.positions(segment, fieldname, words[i], local)
            keep = local[docs]
            these = (docs[keep] << 32) | (pos[keep] - i + (1 << 20))
            keys = these if keys is None else np.intersect1d(keys, these, assume_unique=True)
            if not len(keys):
                return keys
            local[:] = False
            local[keys >> 32] = True
        return keys if keys is not None else np.zeros(0, np.int64)

    def _segment_size(self, segment: int) -> int:
        following = self.starts[segment + 1] if segment + 1 < len(self.starts) else self.n
        return following - self.starts[segment]

    # -- results -------------------------------------------------------------------------------

    def top(self, node: Node, allowed: np.ndarray, limit: int, exact: bool) -> Ranked:
        """The best (docnum, score) pairs, the total, and the matches when ``exact`` is asked."""
        mask = node.mask & allowed
        candidates = np.flatnonzero(mask)
        best = _best(candidates, node.score[candidates], limit)
        return best, len(candidates), False, mask if exact else None


def _best(candidates: np.ndarray, scores: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` highest scores, ties broken by docnum (deterministic)."""
    if len(candidates) > limit * 4:
        cut = np.argpartition(-scores, limit)[:limit]
        threshold = scores[cut].min()
        keep = scores >= threshold
        candidates, scores = candidates[keep], scores[keep]
    order = np.lexsort((candidates, -scores))[:limit]
    return [(int(candidates[i]), float(scores[i])) for i in order]


def _and(children: list[Node]) -> Node:
    mask = children[0].mask.copy()
    score = children[0].score.copy()
    for child in children[1:]:
        mask &= child.mask
        score += child.score
    score[~mask] = 0
    return Node(mask, score)


def _or(children: list[Node]) -> Node:
    mask = children[0].mask.copy()
    score = children[0].score.copy()
    for child in children[1:]:
        mask |= child.mask
        score += child.score
    return Node(mask, score)
