"""The semantic side of the per-process search service: embedder, vector store, follower.

Runs beside the keyword drain, never inside it: in ``thread`` mode its own thread embeds the
pending keys in batches and follows the vector table; in ``inline`` mode (tests) that happens
before each search. While the store is empty or the model cannot load, searches are keyword
only and say so (``SearchResults.semantic == "unavailable"``); nothing raises.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

import numpy as np
from flask import Flask

from covenant_hub.extensions import db
from covenant_hub.language.analysis import GENERIC
from covenant_hub.language.detection import detect_language
from covenant_hub.language.embedding import Embedder
from covenant_hub.language.semantic import SemanticIndex
from covenant_hub.search import vectors
from covenant_hub.search.engine.hybrid import Meaning
from covenant_hub.search.engine.results import SearchQuery

log = logging.getLogger(__name__)
QUERY_CACHE = 256


class SemanticService:
    """Embeds pending documents, follows the vector table, and embeds queries."""

    def __init__(self, app: Flask, embedder: Embedder, mode: str, poll_s: float) -> None:
        self.app = app
        self.embedder = embedder
        self.mode = mode
        self.poll_s = poll_s
        self.index = SemanticIndex(embedder.dim, int(app.config["SEARCH_CENTRE_MIN_DOCS"]))
        self.follower = vectors.Follower(self.index, embedder.name)
        self.broken = False
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- keeping up ----------------------------------------------------------------------------

    def catch_up(self, max_batches: int = 1000) -> int:
        """Embed pending keys and read new vectors; in the caller's app context."""
        embedded = 0
        try:
            for _ in range(max_batches):
                step = vectors.embed_pending(self.embedder)
                embedded += step.embedded
                if not (step.embedded or step.unchanged or step.removed):
                    break
            while self.follower.refresh():
                pass
        except Exception:  # noqa: BLE001 - the keyword search goes on; retried next pass
            db.session.rollback()
            log.exception("semantic search could not embed or read vectors")
        return embedded

    def ensure_thread(self) -> None:
        if self.mode != "thread" or (self._thread is not None and self._thread.is_alive()):
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="search-embed", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_s)
            self._wake.clear()
            with self.app.app_context():
                try:
                    self.catch_up(max_batches=4)
                finally:
                    db.session.remove()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def stored_vectors(self, session: object, prefix: str) -> dict[str, tuple[str, np.ndarray]]:
        """This process's model's stored vectors whose key starts with ``prefix`` (for the
        matchmaker, which sits below search and reads them through this service)."""
        return vectors.stored_for(session, prefix, self.embedder.name)

    # -- searching -----------------------------------------------------------------------------

    def meaning_for(self, q: SearchQuery) -> Meaning | None:
        """The query's vector and language, or None when semantic search cannot answer."""
        text = q.text.strip()
        if not text or self.broken or len(self.index) == 0:
            return None
        lang = detect_language(text)
        if lang == GENERIC:
            lang = q.user_lang or GENERIC
        try:
            vector = self._query_vector(text)
        except Exception:  # noqa: BLE001 - e.g. the model failed to load: keyword only
            log.exception("query embedding failed; semantic search is off in this process")
            self.broken = True
            return None
        return Meaning(self.index, vector, lang)

    def _query_vector(self, text: str) -> np.ndarray:
        with self._lock:
            found = self._queries.get(text)
            if found is not None:
                self._queries.move_to_end(text)
                return found
        vector = self.embedder.embed_queries([text])[0]
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector
