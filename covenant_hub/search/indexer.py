"""Draining the outbox into the index, rebuilding it, and repairing it: one writer at a time.

The drain first takes Whoosh's write lock (with a timeout; whoever does not get it skips),
and only then reads the outbox and the rows it names, so a writer never commits documents
older than what a previous writer already committed. Outbox rows are deleted only after the
index commit: a crash in between replays them, and replaying is harmless because documents
are always rebuilt from the database's current state.

A rebuild replaces the index wholesale (a damaged one is wiped first), so a drain that commits
while a rebuild runs may write to an index the rebuild is about to replace: its documents would
vanish with the rows that named them. Each rebuild therefore counts up a *rebuild epoch* beside
the index when it starts and again when it ends (odd: one is running); a drain deletes its rows
only when the epoch it read before taking the writer is even and unchanged after its commit.
Otherwise the rows stay, and the next drain applies them again.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, select

from covenant_hub.extensions import db
from covenant_hub.search import documents, vectors
from covenant_hub.search.engine.index import IndexLocked, SearchIndex
from covenant_hub.search.engine.index import cancel as cancel_writer
from covenant_hub.search.engine.index import commit as commit_writer
from covenant_hub.search.engine.schema import to_fields
from covenant_hub.search.outbox import SearchOutbox

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class DrainResult:
    """``rows`` outbox rows consumed; ``locked`` when another writer had the index."""

    rows: int = 0
    indexed: int = 0
    removed: int = 0
    locked: bool = False


def rebuild_epoch(ix: SearchIndex) -> int:
    """How many times a rebuild of this index started or ended (odd: one is running now)."""
    try:
        return int(_sibling(ix, ".epoch").read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def _count_epoch(ix: SearchIndex, running: bool) -> None:
    """The next odd epoch (a rebuild starts) or even one (it ended), written whole so a reader
    never sees half a number. A rebuild killed half-way leaves an odd epoch; the next start
    skips to the following odd one, and drains meanwhile see that nobody holds the lock."""
    path = _sibling(ix, ".epoch")
    path.parent.mkdir(parents=True, exist_ok=True)
    epoch = rebuild_epoch(ix) + 1
    if epoch % 2 != running:
        epoch += 1
    scratch = path.with_name(f"{path.name}.{os.getpid()}")
    scratch.write_text(str(epoch))
    os.replace(scratch, path)


def rebuilding(ix: SearchIndex) -> bool:
    """A rebuild is running now: the epoch is odd and its lock is held (not left by a crash)."""
    if rebuild_epoch(ix) % 2 == 0:
        return False
    with rebuild_lock(ix, wait=False) as free:
        return not free


def drain_once(
    ix: SearchIndex, batch: int = BATCH, timeout: float = 0.25, embed: bool = False
) -> DrainResult:
    """Apply up to ``batch`` outbox rows in one index commit, then delete them.

    With ``embed`` the indexed keys also go to the vector queue, in the transaction that deletes
    their outbox rows; the embedding itself happens later, in its own step (``vectors``). The
    vectors of deleted keys go in that transaction too, with or without ``embed``. While a
    rebuild runs (see the module's docstring) the drain waits its turn, reported as ``locked``.
    """
    epoch = rebuild_epoch(ix)
    if rebuilding(ix):
        return DrainResult(locked=True)
    try:
        writer = ix.writer(timeout=timeout)
    except IndexLocked:
        return DrainResult(locked=True)
    done = False
    try:
        rows = db.session.execute(
            select(SearchOutbox.id, SearchOutbox.key).order_by(SearchOutbox.id).limit(batch)
        ).all()
        keys = documents.expand({key for _, key in rows})
        docs = documents.documents_for(keys)
        db.session.rollback()  # end the read transaction: no database lock while Whoosh writes
        for key in sorted(keys):
            if key in docs:
                writer.update_document(**to_fields(docs[key]))
            else:
                writer.delete_by_term("key", key)
        if rows:
            done = True  # a failed commit cancels itself
            commit_writer(writer)
            ix.record_commit()
    finally:
        if not done:
            cancel_writer(writer)  # releases the lock on every path that did not commit
    if rows and rebuild_epoch(ix) != epoch:  # a rebuild may replace what was just committed
        log.info("a rebuild started during the drain: %d outbox rows stay for the next one", len(rows))
        return DrainResult(locked=True)
    if rows:
        db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([row_id for row_id, _ in rows])))
        vectors.forget(key for key in keys if key not in docs)  # embedder or not: deleted is gone
        if embed:
            vectors.queue(key for key in keys if key in docs)
        db.session.commit()
    return DrainResult(rows=len(rows), indexed=len(docs), removed=len(keys) - len(docs))


def drain(
    ix: SearchIndex, batch: int = BATCH, timeout: float = 0.25, max_batches: int = 1000, embed: bool = False
) -> DrainResult:
    """Drain until the outbox is empty (or another writer holds the lock)."""
    total = DrainResult()
    for _ in range(max_batches):
        step = drain_once(ix, batch, timeout, embed)
        total = DrainResult(total.rows + step.rows, total.indexed + step.indexed,
                            total.removed + step.removed, step.locked)  # fmt: skip
        if step.locked or step.rows < batch:
            break
    return total


def has_backlog() -> bool:
    """A cheap peek at the outbox that takes no write lock (no BEGIN IMMEDIATE on SQLite).

    The background drainer asks this on every poll, so idle workers leave the database alone.
    """
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT 1 FROM search_outbox LIMIT 1")
        found = cursor.fetchone() is not None
        cursor.close()
        return found
    finally:
        raw.close()


def oldest_pending() -> datetime | None:
    """When the oldest change still waiting for the index was queued (UTC), or None."""
    oldest = db.session.scalar(select(func.min(SearchOutbox.created_at)))
    if oldest is None:
        return None
    return oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)  # SQLite gives naive UTC


def backlog() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0


# -- rebuilds: one at a time across processes --------------------------------------------------


def _sibling(ix: SearchIndex, suffix: str) -> Path:
    return ix.index_dir.parent / f"{ix.index_dir.name}{suffix}"


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

    Outbox rows written before the rebuild read the database are covered by it and deleted;
    later ones stay for the drain. With ``embed`` their keys go to the vector queue (vectors of
    documents that never changed are kept: `flask search reindex` checks them all).
    """
    with rebuild_lock(ix, wait) as mine:
        if not mine:
            return None
        marker = _sibling(ix, ".incomplete")
        if not ix.check_health().ok:
            marker.touch()
        _count_epoch(ix, running=True)  # drains from now on keep their rows
        try:
            covered = db.session.scalar(select(func.max(SearchOutbox.id))) or 0
            db.session.rollback()
            count = ix.rebuild(documents.all_documents(), progress=progress, procs=procs)
        finally:
            _count_epoch(ix, running=False)
        marker.unlink(missing_ok=True)
        if embed:
            keys = db.session.scalars(select(SearchOutbox.key).where(SearchOutbox.id <= covered))
            vectors.queue(documents.expand(set(keys)))
        db.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= covered))
        db.session.commit()
        return count


@dataclass
class CheckReport:
    """What `search check` found and fixed."""

    database: int = 0
    index: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    repaired: bool = False


def check(ix: SearchIndex, repair: bool = True) -> CheckReport:
    """Compare the keys the database should have indexed with the index's, and fix both ways."""
    wanted = documents.all_keys()
    present = ix.keys()
    report = CheckReport(len(wanted), len(present), sorted(wanted - present), sorted(present - wanted))
    if repair and (report.missing or report.extra):
        docs = documents.documents_for(report.missing)
        db.session.rollback()
        ix.index(docs.values())
        ix.remove(report.extra)
        report.repaired = True
    return report
