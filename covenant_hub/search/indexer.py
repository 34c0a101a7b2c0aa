"""Following the change log into this node's index, rebuilding it, and checking it.

`search_outbox` is an append-only log (outbox.py) that every node follows from its own mark:
the highest log id its index has applied. The mark lives beside the index (``<index>.applied``)
and is replaced atomically right after each index commit, so a crash between the two replays
those rows (harmless: documents are always rebuilt from the database's current state) and never
skips one. Only one writer per index advances it: each takes ``<index>.follow.lock`` (with a
timeout; whoever does not get it skips) and only then reads the mark, the rows above it and the
records they name, so a writer never commits documents older than what a previous one committed.

A rebuild takes the log's newest id BEFORE it reads the database and records that as its mark:
rows written meanwhile lie above it and are replayed. A row ``!pruned:<id>`` above the mark
means a prune deleted rows this index never applied: it rebuilds.

The vector queue (search_vector_pending, in the database and shared by every node) gets the
keys of each batch in a transaction committed just before the index commit: a crash in between
replays the batch, and queuing a key twice is skipped.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from covenant_hub.clock import utcnow
from covenant_hub.database import reading_only
from covenant_hub.extensions import db
from covenant_hub.search import documents, outbox, vectors
from covenant_hub.search.engine.index import IndexLocked, SearchIndex
from covenant_hub.search.engine.index import cancel as cancel_writer
from covenant_hub.search.engine.index import commit as commit_writer
from covenant_hub.search.engine.schema import to_fields
from covenant_hub.search.outbox import SearchOutbox

log = logging.getLogger(__name__)
BATCH = 500
LOCK_POLL_S = 0.01


@dataclass(frozen=True)
class DrainResult:
    """``rows`` log rows applied; ``locked`` when another writer had the index; ``behind`` when
    the log was pruned past this index's mark (it must rebuild); ``rebuilt`` when it did."""

    rows: int = 0
    indexed: int = 0
    removed: int = 0
    locked: bool = False
    behind: bool = False
    rebuilt: bool = False


def _sibling(ix: SearchIndex, suffix: str) -> Path:
    return ix.index_dir.parent / f"{ix.index_dir.name}{suffix}"


# -- the mark: the last log id this index applied ----------------------------------------------


def _mark_path(ix: SearchIndex) -> Path:
    return _sibling(ix, ".applied")


def read_mark(ix: SearchIndex) -> int:
    """The last log id applied to this index (0 when it never applied one)."""
    try:
        return int(json.loads(_mark_path(ix).read_text())["id"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def write_mark(ix: SearchIndex, mark: int) -> None:
    """Replace the mark atomically (a new file, flushed, renamed over the old one)."""
    path = _mark_path(ix)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with temp.open("w") as handle:
        json.dump({"id": int(mark), "at": utcnow().isoformat()}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


@contextmanager
def follow_lock(ix: SearchIndex, timeout: float | None) -> Iterator[bool]:
    """This index's one follower: yields False if another held it past ``timeout`` (None: wait)."""
    path = _sibling(ix, ".follow.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if deadline is None or time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(LOCK_POLL_S)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# -- following the log -------------------------------------------------------------------------


def drain_once(
    ix: SearchIndex, batch: int = BATCH, timeout: float = 0.25, embed: bool = False
) -> DrainResult:
    """Apply up to ``batch`` log rows above this index's mark in one index commit, then move
    the mark past them.

    With ``embed`` the indexed keys also go to the vector queue; the vectors of deleted keys go
    with or without it. The embedding itself happens later, in its own step (``vectors``).
    """
    with follow_lock(ix, timeout) as mine:
        if not mine:
            return DrainResult(locked=True)
        try:
            writer = ix.writer(timeout=timeout)
        except IndexLocked:
            return DrainResult(locked=True)
        done = False
        try:
            mark = read_mark(ix)
            rows = db.session.execute(
                select(SearchOutbox.id, SearchOutbox.key)
                .where(SearchOutbox.id > mark)
                .order_by(SearchOutbox.id)
                .limit(batch)
            ).all()
            if outbox.pruned_above((key for _, key in rows), mark):
                db.session.rollback()
                return DrainResult(behind=True)
            keys = documents.expand(outbox.document_keys(key for _, key in rows))
            docs = documents.documents_for(keys)
            db.session.rollback()  # end the read transaction: no database lock while Whoosh writes
            for key in sorted(keys):
                if key in docs:
                    writer.update_document(**to_fields(docs[key]))
                else:
                    writer.delete_by_term("key", key)
            if rows:
                vectors.forget(key for key in keys if key not in docs)  # embedder or not: deleted is gone
                if embed:
                    vectors.queue(key for key in keys if key in docs)
                db.session.commit()
                done = True  # a failed commit cancels itself
                commit_writer(writer)
                ix.record_commit()
                write_mark(ix, rows[-1][0])
        finally:
            if not done:
                cancel_writer(writer)  # releases the lock on every path that did not commit
    return DrainResult(rows=len(rows), indexed=len(docs), removed=len(keys) - len(docs))


def drain(
    ix: SearchIndex, batch: int = BATCH, timeout: float = 0.25, max_batches: int = 1000, embed: bool = False
) -> DrainResult:
    """Follow the log to its end (or until another writer holds the index); rebuild when the
    log was pruned past this index's mark."""
    total = DrainResult()
    for _ in range(max_batches):
        step = drain_once(ix, batch, timeout, embed)
        if step.behind:
            log.warning("search: the change log was pruned past this index's mark; rebuilding")
            count = rebuild(ix, procs=1, wait=False, embed=embed)
            return DrainResult(total.rows, total.indexed + (count or 0), total.removed, count is None,
                               behind=True, rebuilt=count is not None)  # fmt: skip
        total = DrainResult(total.rows + step.rows, total.indexed + step.indexed,
                            total.removed + step.removed, step.locked)  # fmt: skip
        if step.locked or step.rows < batch:
            break
    return total


def _current_index(ix: SearchIndex | None) -> SearchIndex:
    if ix is not None:
        return ix
    from flask import current_app

    return current_app.extensions["search"].index


def has_backlog(ix: SearchIndex | None = None) -> bool:
    """A cheap peek for rows above the mark that takes no write lock (no BEGIN IMMEDIATE on
    SQLite). The background drainer asks this on every poll, so idle workers leave the database alone.
    """
    mark = read_mark(_current_index(ix))
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"SELECT 1 FROM search_outbox WHERE id > {int(mark)} LIMIT 1")  # noqa: S608 - an int
        found = cursor.fetchone() is not None
        cursor.close()
        return found
    finally:
        raw.close()


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives naive UTC


def oldest_pending(ix: SearchIndex | None = None) -> datetime | None:
    """When the oldest change this index has not applied was logged (UTC), or None."""
    mark = read_mark(_current_index(ix))
    return _as_utc(db.session.scalar(select(func.min(SearchOutbox.created_at)).where(SearchOutbox.id > mark)))


def backlog(ix: SearchIndex | None = None) -> int:
    """Log rows this index has not applied yet."""
    mark = read_mark(_current_index(ix))
    return (
        db.session.scalar(select(func.count()).select_from(SearchOutbox).where(SearchOutbox.id > mark)) or 0
    )


@dataclass(frozen=True)
class Lag:
    """How far this index is behind the log: rows and the age of the oldest one it lacks."""

    mark: int
    head: int
    rows: int
    seconds: float


def lag(ix: SearchIndex) -> Lag:
    """Read in one short transaction (the caller's session)."""
    mark = read_mark(ix)
    head = outbox.last_id(db.session.connection())
    rows = backlog(ix) if head > mark else 0
    oldest = oldest_pending(ix) if rows else None
    seconds = max(0.0, (utcnow() - oldest).total_seconds()) if oldest is not None else 0.0
    return Lag(mark=mark, head=head, rows=rows, seconds=round(seconds, 3))


def prune(keep_s: float) -> int:
    """Prune log rows older than ``keep_s`` seconds (every follower behind them will rebuild)."""
    deleted = outbox.prune(db.session.connection(), keep_s)
    db.session.commit()
    return deleted


# -- rebuilds: one at a time across processes --------------------------------------------------


def incomplete(ix: SearchIndex) -> bool:
    """A rebuild of a damaged index started and has not finished (the index may be empty)."""
    return _sibling(ix, ".incomplete").exists()


def usable(ix: SearchIndex) -> bool:
    """Healthy on disk and not half-way through a rebuild of a damaged index."""
    return ix.check_health().ok and not incomplete(ix)


@contextmanager
def rebuild_lock(ix: SearchIndex, wait: bool) -> Iterator[bool]:
    """An exclusive lock for rebuilds; yields False when ``wait`` is off and it is taken."""
    path = _sibling(ix, ".rebuild.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def rebuild(
    ix: SearchIndex,
    progress: Callable[[int], None] | None = None,
    procs: int | None = None,
    wait: bool = True,
    embed: bool = False,
) -> int | None:
    """Rebuild from the database; None when another process is already rebuilding.

    The log's newest id is read first, in its own transaction, and becomes the index's mark once
    the rebuild committed: rows written while it read the database are replayed by the next
    drain. With ``embed`` the keys of the rows between the old mark and the new one go to the
    vector queue (vectors of documents that never changed are kept: `flask search reindex`
    checks them all).
    """
    with rebuild_lock(ix, wait) as mine:
        if not mine:
            return None
        with follow_lock(ix, None):
            marker = _sibling(ix, ".incomplete")
            if not ix.check_health().ok:
                marker.touch()
            old = read_mark(ix)
            db.session.rollback()  # the reads below begin afresh, DEFERRED: nothing older
            with reading_only():  # minutes on a big site: never with SQLite's write lock held
                covered = outbox.last_id(db.session.connection())
                db.session.rollback()  # the documents are read in a later transaction
                count = ix.rebuild(documents.all_documents(), progress=progress, procs=procs)
                db.session.rollback()
            write_mark(ix, covered)
            marker.unlink(missing_ok=True)
            if embed and covered > old:
                keys = db.session.scalars(
                    select(SearchOutbox.key).where(SearchOutbox.id > old, SearchOutbox.id <= covered)
                )
                vectors.queue(documents.expand(outbox.document_keys(keys)))
            db.session.commit()
        return count


@dataclass
class CheckReport:
    """What `search check` found and fixed: keys the index lacks (missing), holds with other
    content than the database gives now (stale: an edit or a hidden post it missed) or holds
    without a document in the database (extra)."""

    database: int = 0
    index: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    repaired: bool = False


def check(ix: SearchIndex, repair: bool = True) -> CheckReport:
    """Compare every document's content hash in the database and in the index; fix all three
    kinds of difference, as this index's follower (so no drain commits older content after it)."""
    db.session.rollback()
    with reading_only():  # a read of every document: never with SQLite's write lock held
        wanted = {doc.key: to_fields(doc)["hash"] for doc in documents.all_documents()}
        db.session.rollback()
    present = ix.hashes()
    report = CheckReport(
        database=len(wanted),
        index=len(present),
        missing=sorted(wanted.keys() - present.keys()),
        stale=sorted(key for key in wanted.keys() & present.keys() if wanted[key] != present[key]),
        extra=sorted(present.keys() - wanted.keys()),
    )
    if repair and (report.missing or report.stale or report.extra):
        with follow_lock(ix, None):
            with reading_only():
                docs = documents.documents_for(report.missing + report.stale)
                db.session.rollback()
            ix.index(docs.values())
            ix.remove([*report.extra, *(key for key in report.stale if key not in docs)])
        report.repaired = True
    return report
