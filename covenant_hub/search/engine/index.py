"""The search engine behind our own small interface: index, remove, search, rebuild, health.

Knows nothing of Flask: the app hands it documents and queries as dataclasses. One
``SearchIndex`` per process keeps one searcher and refreshes it only when the index has a
new generation; per-searcher caches (filter docsets, document frequencies, the languages
present) live and die with that searcher.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index, query, writing
from whoosh.index import LockError
from whoosh.searching import Searcher

from covenant_hub.search.engine import manifest
from covenant_hub.search.engine.health import INDEX_NAME, Health, check_health
from covenant_hub.search.engine.results import SearchQuery, SearchResults
from covenant_hub.search.engine.schema import SearchDocument, build_schema, to_fields
from covenant_hub.search.engine.searching import SearcherState, run_search
from covenant_hub.search.engine.vector import TypeNormalisedBM25

if TYPE_CHECKING:
    from covenant_hub.search.engine.hybrid import Meaning

IndexLocked = LockError
log = logging.getLogger(__name__)


class IndexDamaged(Exception):
    """A segment file is not what the last commit wrote (see :mod:`covenant_hub.search.engine.manifest`)."""


Progress = Callable[[int], None]

LOCK_TIMEOUT_S = 10.0
REOPEN_TRIES = 5
LIMIT_MB = 128
PROGRESS_EVERY = 500


def cancel(writer: Any) -> None:
    """Cancel a Whoosh writer and release the index's lock, even when cancelling fails.

    On a full disk Whoosh's ``cancel`` raises while it closes the segment's files, before it
    releases the lock: the process would then hold the index's write lock for good and no
    writer anywhere could drain the outbox again once the space came back.
    """
    try:
        writer.cancel()
    except Exception:  # noqa: BLE001 - the writer is dropped either way
        log.warning("search: cancelling an index writer failed; releasing its lock", exc_info=True)
        lock = getattr(writer, "writelock", None)
        if lock is not None and getattr(lock, "fd", None) is not None:
            lock.release()
        writer.is_closed = True


def commit(writer: Any, **kwargs: Any) -> None:
    """Commit a Whoosh writer; when the commit fails, cancel it (lock released) and raise."""
    try:
        writer.commit(**kwargs)
    except BaseException:
        if not writer.is_closed:
            cancel(writer)
        raise


def default_procs() -> int:
    """Worker processes for a rebuild: the cores we may use, one when there is only one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


class SearchIndex:
    """A Whoosh index in ``index_dir`` with the operations the app needs."""

    def __init__(self, index_dir: str | os.PathLike[str], lock_timeout: float = LOCK_TIMEOUT_S) -> None:
        self.index_dir = Path(index_dir)
        self.lock_timeout = lock_timeout
        self._ix: Any = None
        self._state: SearcherState | None = None
        self._files: list[str] = []  # the segment files the open searcher maps
        self._verifier = manifest.Verifier(self.index_dir)
        self._lock = threading.Lock()

    # -- opening -------------------------------------------------------------------------------

    def exists(self) -> bool:
        return index.exists_in(str(self.index_dir), indexname=INDEX_NAME)

    def open_or_create(self) -> None:
        """Open the index, creating an empty one when there is none (raises if corrupt)."""
        with self._lock:
            self._open_locked()

    def _open_locked(self) -> Any:
        if self._ix is None:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            if self.exists():
                self._ix = index.open_dir(str(self.index_dir), indexname=INDEX_NAME)
            else:
                self._ix = index.create_in(str(self.index_dir), build_schema(), indexname=INDEX_NAME)
        return self._ix

    def check_health(self) -> Health:
        """Whether the files on disk are usable (see :mod:`covenant_hub.search.engine.health`).

        A healthy index without a segment record (built before there was one) gets it now.
        """
        health = check_health(self.index_dir)
        if health.ok and not manifest.manifest_path(self.index_dir).exists():
            self.record_commit()
        return health

    def record_commit(self) -> None:
        """Record the segment files' sizes and checksums; every writer calls this after commit."""
        try:
            manifest.write(self.index_dir, INDEX_NAME)
        except Exception:  # noqa: BLE001 - without a record the files are just not verified
            log.exception("search: could not record the index's segment files")

    def close(self) -> None:
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        self._close_searcher()
        self._files = []
        if self._ix is not None:
            self._ix.close()
        self._ix = None

    # -- writing -------------------------------------------------------------------------------

    def writer(self, timeout: float | None = None) -> Any:
        """A Whoosh writer holding the index's lock; raises IndexLocked after ``timeout`` s, and
        IndexDamaged when a segment it would merge is not what its commit recorded.

        For callers that must read their input only once they are the single writer (the
        outbox drain); they commit or cancel it, which releases the lock.
        """
        with self._lock:
            ix = self._open_locked()
        writer = ix.writer(timeout=self.lock_timeout if timeout is None else timeout)
        with self._lock:
            bad = self._verifier.first_bad(manifest.segment_files_of(writer.segments))
            if bad is not None:
                cancel(writer)
                self._damaged(bad)
        return writer

    @contextmanager
    def _committing(self, timeout: float | None) -> Iterator[Any]:
        """A writer committed when the block ends, cancelled (lock released) if it raises."""
        writer = self.writer(timeout)
        try:
            yield writer
        except BaseException:
            cancel(writer)
            raise
        commit(writer)
        self.record_commit()

    def index(self, docs: Iterable[SearchDocument], timeout: float | None = None) -> int:
        """Add or replace documents (by ``key``) in one commit; raises IndexLocked on timeout."""
        count = 0
        with self._committing(timeout) as writer:
            for doc in docs:
                writer.update_document(**to_fields(doc))
                count += 1
        return count

    def remove(self, keys: Iterable[str], timeout: float | None = None) -> int:
        """Delete documents by key; returns how many index entries went."""
        with self._committing(timeout) as writer:
            return sum(writer.delete_by_term("key", key) for key in keys)

    def rebuild(
        self, docs: Iterable[SearchDocument], progress: Progress | None = None, procs: int | None = None
    ) -> int:
        """Replace the whole index with ``docs``, in parallel when several cores are free.

        A healthy index is rewritten as a new generation (CLEAR merge), so searchers in other
        processes notice on refresh; a damaged one is wiped and created afresh.
        """
        procs = default_procs() if procs is None else max(1, procs)
        self.close()
        if not self.check_health().ok:
            shutil.rmtree(self.index_dir, ignore_errors=True)
        with self._lock:
            ix = self._open_locked()
        kwargs: dict[str, Any] = {"limitmb": LIMIT_MB, "timeout": self.lock_timeout}
        if procs > 1:
            kwargs.update(procs=procs, multisegment=True)
        writer = ix.writer(**kwargs)
        count = 0
        try:
            for doc in docs:
                writer.add_document(**to_fields(doc))
                count += 1
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(count)
        except BaseException:
            cancel(writer)
            raise
        commit(writer, mergetype=writing.CLEAR)
        self.record_commit()
        if progress is not None:
            progress(count)
        self.close()
        return count

    # -- reading -------------------------------------------------------------------------------

    def _current(self) -> SearcherState:
        """The shared searcher, reopened when any writer has committed a new generation.

        Whoosh's own ``Searcher.refresh`` reuses segment readers by segment id and so misses
        deletions committed to an existing segment; a fresh searcher does not. Segment files
        are compared with the commit record before a searcher maps them and before each use (a
        mapped file that shrank would kill the process with SIGBUS on the next read; one whose
        bytes changed would silently miss documents).
        """
        with self._lock:
            ix = self._open_locked()
            for _ in range(REOPEN_TRIES):
                generation = ix.latest_generation()
                state = self._state
                if state is not None and state.generation == generation:
                    if self._files_intact(generation):
                        return state
                else:
                    self._close_searcher()
                    try:
                        state = self._open_searcher(ix)
                    except FileNotFoundError:  # a commit removed that TOC's files as it was read
                        state = None
                    if state is not None:
                        return state
                self._close_searcher()
            raise IndexDamaged("the index changed under every attempt to open it")

    def _open_searcher(self, ix: Any) -> SearcherState | None:
        """The new shared searcher over one TOC, its files checked first; None when a commit
        replaced that TOC meanwhile (try again). The files checked are the ones it maps."""
        toc = ix._read_toc()
        self._files = manifest.segment_files_of(toc.segments)
        if not self._files_intact(toc.generation):
            return None
        reader = ix._reader(ix.storage, toc.schema, toc.segments, toc.generation)
        searcher = Searcher(reader, fromindex=ix, weighting=TypeNormalisedBM25())
        self._state = SearcherState(searcher, toc.generation)
        return self._state

    def _files_intact(self, generation: int) -> bool:
        """True when the searcher's files match the commit record (size, and checksum whenever
        a file's ``stat`` changed); False when one does not but a newer generation replaced
        them meanwhile. Otherwise quarantines the file and raises IndexDamaged."""
        bad = self._verifier.first_bad(self._files)
        if bad is None:
            return True
        if self._ix.latest_generation() != generation:
            return False  # a commit merged that segment away meanwhile: open the new generation
        self._damaged(bad)
        return False

    def _close_searcher(self) -> None:
        if self._state is not None:
            self._state.searcher.close()
        self._state = None

    def _damaged(self, bad: str) -> None:
        """Quarantine ``bad``, close everything and raise IndexDamaged (self._lock held)."""
        moved = manifest.quarantine(self.index_dir, bad) if (self.index_dir / bad).exists() else None
        self._close_locked()
        raise IndexDamaged(f"segment {bad} does not match the commit record (moved to {moved})")

    def search(self, q: SearchQuery, meaning: Meaning | None = None) -> SearchResults:
        """Run a search; user input never makes this raise (bad syntax means plain words).

        With ``meaning`` (a semantic store and the query's vector) keyword results are fused
        with the nearest documents by meaning, from every language.
        """
        if meaning is not None:
            from covenant_hub.search.engine.hybrid import search_hybrid

            return search_hybrid(self._current(), q, meaning)
        return run_search(self._current(), q)

    def doc_count(self) -> int:
        return int(self._current().searcher.doc_count())

    def keys(self, type_: str | None = None) -> set[str]:
        """Every key in the index (optionally of one type), to compare with the database."""
        searcher = self._current().searcher
        wanted = query.Term("type", type_) if type_ else query.Every()
        return {str(fields["key"]) for fields in _stored(searcher, wanted)}

    def hashes(self) -> dict[str, str]:
        """Every key in the index with the hash of what was indexed for it ("" if none)."""
        searcher = self._current().searcher
        return {str(f["key"]): str(f.get("hash") or "") for f in _stored(searcher, query.Every())}


def _stored(searcher: Any, wanted: query.Query) -> Iterable[dict[str, Any]]:
    for docnum in searcher.docs_for_query(wanted):
        yield searcher.stored_fields(docnum)
