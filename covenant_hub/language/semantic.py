"""Nearest documents by meaning: an in-memory matrix of document vectors, centred per language.

Each document has two raw vectors, its title and its title with body (``VIEWS``); each view is
centred on its own means and the two are added, so a long body does not drown the topic its
title names (on our dev set: cross-language MRR@10 0.71 with the full text alone, 0.82 with
both).

Raw multilingual embeddings cluster by language: a Kyrgyz query is closer to every Kyrgyz text
than to the Russian or English one that answers it. Subtracting each language's mean vector
(Libovicky et al., 2020, "On the language neutrality of pre-trained multilingual
representations") removes most of that. A mean needs enough documents to be estimated: a
language with fewer than ``min_per_language`` vectors is centred on the mean of all documents
instead (and with fewer than that in the whole store, nothing is centred). Queries are centred
with the mean of their own language, estimated the same way from the documents.

Means are re-estimated only when a language's count has grown by ``REESTIMATE_SHARE`` since the
last estimate, so a stream of new posts costs one row each, not a pass over the whole matrix.
Knows nothing of Flask or of the database: the app feeds it rows (see ``vectors``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from covenant_hub.language.embedding import normalise

MIN_PER_LANGUAGE = 20
REESTIMATE_SHARE = 0.05
GLOBAL = "*"
VIEWS = 2  # 0: title and body (queries are centred with this view's means), 1: title alone


class SemanticIndex:
    """Document vectors by key, with per-language centring and a brute-force top-k."""

    def __init__(self, dim: int, min_per_language: int = MIN_PER_LANGUAGE, centre: bool = True) -> None:
        self.dim = dim
        self.min_per_language = min_per_language
        self.centre = centre
        self._lock = threading.Lock()
        self._rows: dict[str, int] = {}
        self.keys: list[str | None] = []
        self.langs: list[str] = []
        self._raw = np.zeros((0, VIEWS, dim), np.float16)
        self._centred = np.zeros((0, dim), np.float32)
        self._alive = np.zeros(0, bool)
        self._count: dict[str, int] = {}
        self._codes = np.zeros(0, np.int16)  # row -> index in _lang_ids, for "only my language"
        self._lang_ids: dict[str, int] = {}
        self._means: dict[str, np.ndarray] = {}
        self._estimated_at: dict[str, int] = {}

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        del state["_lock"]  # a saved match model carries a store: locks do not pickle
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    # -- writing -------------------------------------------------------------------------------

    def upsert(self, keys: list[str], langs: list[str], vectors: np.ndarray) -> None:
        """Add or replace raw vectors by key: ``vectors`` is (n, VIEWS, dim), rows L2-normalised."""
        if not keys:
            return
        with self._lock:
            rows = [self._row_for(key) for key in keys]
            for row, lang in zip(rows, langs, strict=True):
                self._set_lang(row, lang)
            index = np.array(rows, dtype=np.int64)
            self._raw[index] = vectors
            self._alive[index] = True
            if self._stale_means():
                self._estimate()
            else:
                langs_of_rows = [self.langs[r] for r in rows]
                self._centred[index] = self._centre_rows(vectors.astype(np.float32), langs_of_rows)

    def remove(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                row = self._rows.pop(key, None)
                if row is not None:
                    self._alive[row] = False
                    self.keys[row] = None
                    self._count[self.langs[row]] -= 1
                    self.langs[row] = ""

    def _row_for(self, key: str) -> int:
        row = self._rows.get(key)
        if row is not None:
            return row
        row = len(self.keys)
        if row >= len(self._raw):
            capacity = max(64, 2 * len(self._raw))
            self._raw = _grown(self._raw, capacity)
            self._centred = _grown(self._centred, capacity)  # type: ignore[assignment]
            self._alive = np.concatenate([self._alive, np.zeros(capacity - len(self._alive), bool)])
            self._codes = np.concatenate([self._codes, np.full(capacity - len(self._codes), -1, np.int16)])
        self._rows[key] = row
        self.keys.append(key)
        self.langs.append("")
        return row

    def _set_lang(self, row: int, lang: str) -> None:
        old = self.langs[row]
        if old:
            self._count[old] -= 1
        self._count[lang] = self._count.get(lang, 0) + 1
        self.langs[row] = lang
        self._codes[row] = self._lang_ids.setdefault(lang, len(self._lang_ids))

    # -- centring ------------------------------------------------------------------------------

    def _counts(self) -> dict[str, int]:
        counts = {lang: n for lang, n in self._count.items() if n > 0}
        counts[GLOBAL] = len(self._rows)
        return counts

    def _stale_means(self) -> bool:
        if not self.centre:
            return False
        for lang, count in self._counts().items():
            before = self._estimated_at.get(lang, 0)
            crossed = (before < self.min_per_language) != (count < self.min_per_language)
            if crossed or count > before * (1 + REESTIMATE_SHARE):
                return True
        return False

    def _estimate(self) -> None:
        """Recompute the means from the stored raw vectors and re-centre every row."""
        counts = self._counts()
        self._estimated_at = counts
        alive = np.flatnonzero(self._alive[: len(self.keys)])
        self._means = {}
        if self.centre and counts[GLOBAL] >= self.min_per_language:
            self._means[GLOBAL] = self._raw[alive].mean(axis=0, dtype=np.float32)
            langs = np.array(self.langs, dtype=object)[alive]
            for lang, count in counts.items():
                if lang != GLOBAL and count >= self.min_per_language:
                    self._means[lang] = self._raw[alive[langs == lang]].mean(axis=0, dtype=np.float32)
        n = len(self.keys)
        for start in range(0, n, 10_000):  # in slices: no float32 copy of the whole matrix
            end = min(n, start + 10_000)
            self._centred[start:end] = self._centre_rows(
                self._raw[start:end].astype(np.float32), self.langs[start:end]
            )

    def mean_for(self, lang: str | None) -> np.ndarray | None:
        """The (VIEWS, dim) means a vector of ``lang`` is centred on: its language's, else the
        global one; None while the store is too small to centre."""
        return self._means.get(lang or "", self._means.get(GLOBAL))

    def _centre_rows(self, vectors: np.ndarray, langs: list[str]) -> np.ndarray:
        """One searchable row per document: the sum of its centred views, normalised."""
        if self._means:
            means = np.stack([self.mean_for(lang) for lang in langs])  # type: ignore[misc]
            vectors = vectors - means
        views = [normalise(vectors[:, v, :]) for v in range(VIEWS)]
        return normalise(np.sum(views, axis=0))

    def centre_query(self, vector: np.ndarray, lang: str | None) -> np.ndarray:
        mean = self.mean_for(lang)
        if mean is None:
            return vector
        return normalise((vector - mean[0])[None, :])[0]

    # -- reading -------------------------------------------------------------------------------

    def nearest(
        self, vector: np.ndarray, lang: str | None, k: int, only_lang: str | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` keys most similar to a raw query vector (of language ``lang``)."""
        with self._lock:
            n = len(self.keys)
            if not self._rows:
                return []
            with one_blas_thread():
                scores = self._centred[:n] @ self.centre_query(vector, lang)
            scores[~self._alive[:n]] = -np.inf
            if only_lang:
                scores[self._codes[:n] != self._lang_ids.get(only_lang, -2)] = -np.inf
            k = min(k, n)
            best = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
            best = best[np.argsort(-scores[best], kind="stable")]
            return [(str(self.keys[i]), float(scores[i])) for i in best if np.isfinite(scores[i])]

    def similarities(self, vector: np.ndarray, lang: str | None) -> np.ndarray:
        """Similarity of a raw query vector to every row (``row_of`` maps keys to rows); rows
        of removed keys score -inf."""
        with self._lock:
            n = len(self.keys)
            with one_blas_thread():
                scores = self._centred[:n] @ self.centre_query(vector, lang)
            scores[~self._alive[:n]] = -np.inf
        return scores

    def row_of(self, key: str) -> int | None:
        return self._rows.get(key)

    def centred_rows(self, keys: list[str]) -> np.ndarray:
        """The searchable (centred, normalised) rows of the given stored keys."""
        with self._lock:
            return self._centred[[self._rows[k] for k in keys]].copy()

    def has(self, key: str) -> bool:
        return key in self._rows

    def scores_for(self, vector: np.ndarray, lang: str | None, keys: list[str]) -> dict[str, float]:
        """Similarity of a raw query vector to the given keys (those with a vector)."""
        with self._lock:
            rows = [(key, self._rows[key]) for key in keys if key in self._rows]
            if not rows:
                return {}
            centred = self.centre_query(vector, lang)
            scores = self._centred[np.array([r for _, r in rows])] @ centred
        return {key: float(s) for (key, _), s in zip(rows, scores, strict=True)}

    def lang_of(self, key: str) -> str | None:
        row = self._rows.get(key)
        return self.langs[row] if row is not None else None

    def language_counts(self) -> dict[str, int]:
        with self._lock:
            counts = self._counts()
        counts.pop(GLOBAL, None)
        return counts

    def nbytes(self) -> int:
        return int(self._raw.nbytes + self._centred.nbytes)


_BLAS: ThreadpoolController | None = None


def one_blas_thread() -> Any:
    """BLAS limited to one thread for the block: on a shared 2-core machine OpenBLAS's second
    thread spins against the other processes (a 3,000-row product took 28 ms with two, 0.08 ms
    with one). The controller is made once: inspecting the loaded libraries is the slow part."""
    global _BLAS
    if _BLAS is None:
        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")


def _grown(matrix: np.ndarray, capacity: int) -> np.ndarray:
    out = np.zeros((capacity, *matrix.shape[1:]), matrix.dtype)
    out[: len(matrix)] = matrix
    return out
