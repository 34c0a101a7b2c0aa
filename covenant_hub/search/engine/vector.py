"""Vectorised evaluation of the common query shapes over Whoosh's posting lists.

Whoosh walks posting lists one document at a time in Python, which makes queries on common
words slow (tens of milliseconds at 100,000 documents). Most searches are ANDs and ORs of
terms, phrases and prefixes, so for those we read each posting list once per segment, block by
block, into numpy arrays (cached: segments never change), and combine whole arrays: a dense
match mask and a BM25 score per document (the same formula and parameters as Whoosh's BM25F,
except for the length norm: a document's length is compared with the mean length of documents of
its own type that have text in that field, see :meth:`VectorSearcher.mean_lengths`; Whoosh's own
searcher scores with :class:`TypeNormalisedBM25`, the same formula).
Phrases compare whole position arrays (decoded once per term and segment, then cached).
Sorting by date reads the date column into an array. Anything else (ranges, match-all) goes
through Whoosh's own searcher.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from math import log
from typing import Any

import numpy as np
from whoosh import query, scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

from covenant_hub.search.engine.postings import (
    POSTINGS,
    decode,
    decode_positions,
    decode_some,
    segment_key,
    unwrap,
)
from covenant_hub.search.engine.schema import DOC_TYPES, FILTER_FIELDS, GRAM_FIELD

B, K1 = 0.75, 1.2
_LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
SELECTIVE_SHARE = 4  # decode only some postings when fewer than 1 in 4 are needed
_SUPPORTED = (query.Term, query.Phrase, query.And, query.Or, query.Not, query.AndNot, query.AndMaybe)

Ranked = tuple[list[tuple[int, float]], int, bool, "np.ndarray | None"]


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
        # An index of no segments has one EmptyReader leaf without a segment: nothing to read.
        pairs = sorted(((sub.reader(), off) for sub, off in searcher.leaf_searchers()
                        if sub.reader().segment() is not None), key=lambda p: p[1])  # fmt: skip
        self.leaves = [(reader, offset, segment_key(reader)) for reader, offset in pairs]
        self.starts = [offset for _, offset, _ in self.leaves]
        self._lengths: dict[str, np.ndarray] = {}
        self._means: dict[str, np.ndarray] = {}
        self._types: np.ndarray | None = None
        self._groups: dict[str, np.ndarray] = {}
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
            return decode(unwrap(reader.postings(fieldname, text)))
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

    def doc_types(self) -> np.ndarray:
        """Every document's type as an index into DOC_TYPES, plus one (0: no known type)."""
        with self._lock:
            found = self._types
        if found is not None:
            return found
        out = np.zeros(self.n, dtype=np.int8)
        for number, name in enumerate(DOC_TYPES, 1):
            ids, _ = self.postings("type", name)
            out[ids] = number
        with self._lock:
            self._types = out
        return out

    def length_groups(self, fieldname: str) -> np.ndarray:
        """Every document's group for length statistics in ``fieldname``: its type, and whether
        the field holds its whole text (its own language) or only runs of a foreign script."""
        with self._lock:
            found = self._groups.get(fieldname)
        if found is not None:
            return found
        own = np.zeros(self.n, dtype=np.int8)
        lang = "ky" if fieldname == GRAM_FIELD else fieldname.removeprefix("text_")
        ids, _ = self.postings("lang", lang)
        own[ids] = 1
        out = (self.doc_types() * 2 + own).astype(np.int16)
        with self._lock:
            self._groups[fieldname] = out
        return out

    def mean_lengths(self, fieldname: str) -> np.ndarray:
        """The mean length in ``fieldname`` per group of :meth:`length_groups`.

        Only documents with text in the field count, and each type has its own mean: averaged
        over the whole index, ten thousand two-word organisation names in ``text_en`` (and the
        Russian and Kyrgyz fields' zeros for every other document) made any practice look many
        times longer than usual, so a one-line reply under a matching thread title outranked it.
        The few Latin words of a Kyrgyz practice in ``text_en`` are compared with their like,
        not with English practices.
        """
        with self._lock:
            found = self._means.get(fieldname)
        if found is not None:
            return found
        lengths, groups = self.lengths(fieldname), self.length_groups(fieldname)
        present = lengths > 0
        size = 2 * (len(DOC_TYPES) + 1)
        totals = np.bincount(groups[present], weights=lengths[present], minlength=size)
        counts = np.bincount(groups[present], minlength=size)
        out = np.where(counts > 0, totals / np.maximum(counts, 1), 1.0).astype(np.float32)
        with self._lock:
            self._means[fieldname] = out
        return out

    def dates(self) -> np.ndarray:
        """Every document's yyyymmdd date (0 when undated), for sorting newest first."""
        with self._lock:
            found = self._lengths.get("\x00date")
        if found is not None:
            return found
        out = np.zeros(self.n, dtype=np.int64)
        for reader, offset, _ in self.leaves:
            if not reader.has_column("date"):
                continue
            column = reader.column_reader("date", translate=False)
            raw = column._dbfile.get(column._basepos, column._count * 4)
            values = np.frombuffer(raw, dtype=">u4")
            out[offset : offset + len(values)] = values
        with self._lock:
            self._lengths["\x00date"] = out
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
        avg = self.mean_lengths(fieldname)[self.length_groups(fieldname)[ids]]
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
        found = POSTINGS.get(key)
        if found is None:
            found = self._read_segment(reader, fieldname, text)
            POSTINGS.put(key, found)
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
        found = POSTINGS.get(key)
        if found is not None:
            return found
        ids, _ = self.segment_postings(segment, fieldname, text)
        wanted = np.flatnonzero(local[ids]) if len(ids) else ids
        try:
            matcher = unwrap(reader.postings(fieldname, text))
            if len(wanted) * SELECTIVE_SHARE < len(ids) and hasattr(matcher, "_read_ids"):
                return decode_some(matcher, wanted)
            found = decode_positions(matcher)
        except Exception:  # noqa: BLE001 - absent term
            found = (np.zeros(0, np.int64), np.zeros(0, np.int64))
        POSTINGS.put(key, found)
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
        return int(following - self.starts[segment])

    # -- results -------------------------------------------------------------------------------

    def top(self, node: Node, allowed: np.ndarray, limit: int, exact: bool, by_date: bool = False) -> Ranked:
        """The best (docnum, score) pairs, the total, and the matches when ``exact`` is asked."""
        mask = node.mask & allowed
        candidates = np.flatnonzero(mask)
        scores = node.score[candidates]
        if by_date:
            order = np.lexsort((candidates, -scores, -self.dates()[candidates]))[:limit]
            best = [(int(candidates[i]), float(scores[i])) for i in order]
        else:
            best = _best(candidates, scores, limit)
        return best, len(candidates), False, mask if exact else None


class TypeNormalisedBM25(scoring.WeightingModel):  # type: ignore[misc]
    """BM25 with the length norm of :meth:`VectorSearcher.mean_lengths`, for Whoosh's searcher.

    Queries the vectorised path does not take (ranges, match-all) are scored by Whoosh; with
    this model they rank like the rest. It needs the searcher's VectorSearcher (``bind``);
    unbound, or for unscored fields, it is Whoosh's BM25F.
    """

    def __init__(self) -> None:
        self.vector: VectorSearcher | None = None

    def bind(self, vector: VectorSearcher) -> None:
        self.vector = vector

    def supports_block_quality(self) -> bool:
        return False  # per-type norms have no cheap per-block upper bound

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        if self.vector is None or not searcher.schema[fieldname].scorable:
            return scoring.BM25F(B=B, K1=K1).scorer(searcher, fieldname, text, qf)
        parent = searcher.get_parent()
        offset = 0 if parent is searcher else parent._offset_for_subsearcher(searcher)
        return _TypeNormalisedScorer(self.vector, fieldname, parent.idf(fieldname, text), offset)


class _TypeNormalisedScorer(scoring.BaseScorer):  # type: ignore[misc]
    def __init__(self, vector: VectorSearcher, fieldname: str, idf: float, offset: int) -> None:
        self.idf = idf
        self.offset = offset
        self.lengths = vector.lengths(fieldname)
        self.means = vector.mean_lengths(fieldname)
        self.groups = vector.length_groups(fieldname)

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return self.idf * (K1 + 1)  # the limit of BM25 as the term frequency grows

    def score(self, matcher: Any) -> float:
        doc = self.offset + matcher.id()
        mean = float(self.means[self.groups[doc]])
        return float(scoring.bm25(self.idf, matcher.weight(), float(self.lengths[doc]), mean, B, K1))


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
