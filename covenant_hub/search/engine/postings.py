"""Posting lists decoded from Whoosh's on-disk blocks into numpy arrays, and their cache.

Segments never change once written, so a decoded list stays valid for as long as its segment
exists; the cache is keyed by segment id and bounded in bytes (least recently used goes first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from itertools import chain
from pickle import loads  # noqa: S403 - Whoosh's own posting values
from typing import Any

import numpy as np

_CACHE_BYTES = 160 * 1024 * 1024


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


POSTINGS = _PostingCache(_CACHE_BYTES)


def segment_key(reader: Any) -> str:
    segment = reader.segment()
    return f"{segment.indexname}:{segment.segment_id()}"


def unwrap(matcher: Any) -> Any:
    """Deleted documents are masked later, so read the raw leaf matcher."""
    while hasattr(matcher, "child") and not hasattr(matcher, "_read_ids"):
        matcher = matcher.child
    return matcher


def decode(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
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


def decode_positions(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
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


def decode_some(matcher: Any, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
