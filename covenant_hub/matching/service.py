"""The per-process match model of an app: built from the database on first use, kept current
by incremental refreshes of the organisations, links and practices that change.

Each worker process holds its own copy. A commit in this process is replayed on its model at
once, from the ORM objects; every commit touching those records also writes `match_changes`
rows in its own transaction, and each use of the model first reads the rows above the mark it
has reached and replays them from the database (changes.py). So an exchange accepted in one
gunicorn worker shows in the recommendations of every worker on their next request, its own
included (where the replay is a harmless repeat). If the table cannot be read the current
model is served as it is: a derived part degrades, it never breaks the page.

The model is read from the database in a short session of its own (`_reading`), never in the
request's: a request's uncommitted rows never reach the model (they might be rolled back), and
on SQLite the read begins DEFERRED, so a POST holds no write lock while the model is built or
caught up. `holder.lock` is held only to swap in a built model or apply replayed changes, never
across a database read; `holder.refreshing` lets one thread at a time read and build, while the
others serve the current model as it is (they wait only for the first build).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from time import monotonic
from typing import Any

from flask import Flask, current_app, has_request_context
from sqlalchemy import event
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from covenant_hub.database import reading_only
from covenant_hub.extensions import db
from covenant_hub.language.embedding import CachingEmbedder, Embedder
from covenant_hub.matching import changes as changes_table
from covenant_hub.matching.engine.model import MatchModel
from covenant_hub.matching.engine.reasons import render_reason
from covenant_hub.matching.engine.records import Snapshot
from covenant_hub.matching.models import ExchangeOutcome
from covenant_hub.matching.snapshot import (
    link_record,
    load_snapshot,
    org_record,
    practice_model,
    practice_record,
)
from covenant_hub.matching.text_vectors import DatabaseVectorStore
from covenant_hub.matching.weights import current_weights
from covenant_hub.orgs.models import Organisation, OrgLink

EXTENSION = "matching"
RETRY_SECONDS = 60.0  # after a failed read of match_changes, serve as is for this long
TABLE_ERRORS = (OperationalError, ProgrammingError)  # no such table, locked, ...
log = logging.getLogger(__name__)


class MatchingState:
    """What `app.extensions["matching"]` holds."""

    def __init__(self, savepoints: bool = True, meaning_in_background: bool = False) -> None:
        self.model: MatchModel | None = None
        self.lock = threading.Lock()  # held to swap or patch the model, never across a read
        self.refreshing = threading.Lock()  # held by the one thread reading the database for it
        self.mark: int | None = None  # highest match_changes id the model includes
        self.built_at: float | None = None  # monotonic time the model was installed (/readyz, /metrics)
        # Monotonic time before which the table is not read again; None: read it at next use
        # (a monotonic clock starts at an arbitrary point, so no number means "no wait").
        self.retry_at: float | None = None
        # A failed statement aborts a PostgreSQL transaction, not an SQLite one: only the
        # former needs a savepoint (two more statements) round each read of match_changes.
        self.savepoints = savepoints
        # A page that needs the model never waits for the embedding of every need and offer
        # (minutes for a cold model on a busy machine: gunicorn killed the worker at 30 s): it
        # gets a words-only model, and this thread builds the one with meaning and swaps it in.
        self.meaning_in_background = meaning_in_background
        self.meaning_builder: threading.Thread | None = None


def init_app(app: Flask) -> None:
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    mode = app.config.get("MATCH_MEANING_BUILD") or ("inline" if app.testing else "background")
    if mode not in ("inline", "background"):
        raise ValueError(f"MATCH_MEANING_BUILD must be inline or background, not {mode!r}")
    app.extensions[EXTENSION] = MatchingState(
        savepoints=not sqlite, meaning_in_background=mode == "background"
    )
    if not event.contains(db.session, "after_flush", _collect_changes):
        event.listen(db.session, "before_flush", _collect_deletions)
        event.listen(db.session, "after_flush", _collect_changes)
        event.listen(db.session, "before_commit", _write_changes)
        event.listen(db.session, "after_commit", _apply_changes)
        event.listen(db.session, "after_soft_rollback", _forget_changes)
        event.listen(db.session, "do_orm_execute", _note_bulk_statement)


def state(app: Flask | None = None) -> MatchingState:
    return (app or current_app).extensions[EXTENSION]


def build_model(weights: dict[str, Any] | None = None) -> MatchModel:
    """A fresh model from what is committed now."""
    with _reading() as session:
        snapshot = load_snapshot(session)
    return build_with_meaning(snapshot, weights or current_weights())


def text_embedder() -> Embedder | None:
    """The search's embedder when this process searches by meaning; None: TF-IDF alone."""
    service = current_app.extensions.get("search")
    semantic = getattr(service, "semantic", None)
    if semantic is None or semantic.broken:
        return None
    return CachingEmbedder(semantic.embedder, DatabaseVectorStore())


def with_vectors(snapshot: Snapshot, embedder: Embedder | None) -> Snapshot:
    """The snapshot with the search's stored practice vectors (none without an embedder)."""
    if embedder is None:
        return snapshot
    semantic = getattr(current_app.extensions.get("search"), "semantic", None)
    try:
        with _reading() as session:  # the search domain reads its own table (no import of it here)
            snapshot.vectors = semantic.stored_vectors(session, "practice:") if semantic is not None else {}
    except TABLE_ERRORS:
        log.warning("search_vectors cannot be read; practices match by their words alone", exc_info=True)
    return snapshot


def build_with_meaning(snapshot: Snapshot, weights: dict[str, Any]) -> MatchModel:
    """A model whose texts meet by meaning where the search's model is at hand, else (or when
    it fails) by TF-IDF alone, as before it."""
    embedder = text_embedder()
    if embedder is None:
        return MatchModel.build(snapshot, weights)
    try:
        return MatchModel.build(with_vectors(snapshot, embedder), weights, embedder=embedder)
    except Exception:  # noqa: BLE001 - a model that cannot load leaves the TF-IDF profiles
        log.exception("the match model's texts are TF-IDF only: embedding failed")
        return MatchModel.build(snapshot, weights)


def get_model() -> MatchModel:
    """The cached model, built on first use and brought up to date with the changes other
    processes committed since."""
    holder = state()
    if holder.model is None or holder.retry_at is None or monotonic() >= holder.retry_at:
        # While another thread reads, serve the model as it is; without one, wait for its build.
        if holder.refreshing.acquire(blocking=holder.model is None):
            try:
                _refresh(holder)
            finally:
                holder.refreshing.release()
    assert holder.model is not None
    return holder.model


def set_model(model: MatchModel, mark: int | None = None) -> None:
    """Install a model built elsewhere; `mark` is `read_mark()` taken before its snapshot.
    Without one, what the model misses is unknown: its next use rebuilds it."""
    holder = state()
    with holder.lock:
        holder.model, holder.mark, holder.built_at = model, mark, monotonic()


def read_mark() -> int | None:
    """The highest change id now, or None (logged) when match_changes cannot be read."""
    try:
        with _reading() as session:
            return changes_table.current_mark(session)
    except TABLE_ERRORS:
        log.warning(
            "match_changes cannot be read; the match model will not see changes made by other processes",
            exc_info=True,
        )
        return None


def read_snapshot() -> tuple[int | None, Snapshot]:
    """The mark, then the snapshot a model is built from: a change committed between the two
    is in the snapshot and replayed again later, which is harmless."""
    mark = read_mark()
    with _reading() as session:
        return mark, load_snapshot(session)


def prune_changes() -> int:
    """Delete change rows older than a week and commit; 0 (logged) if the table is unreadable."""
    try:
        with _guarded():
            pruned = changes_table.prune(db.session.connection())
    except TABLE_ERRORS:
        log.warning("match_changes cannot be pruned", exc_info=True)
        return 0
    db.session.commit()
    return pruned


def announce_rebuild(model: MatchModel, mark: int | None) -> None:
    """Install a model built from a snapshot taken after `mark` (`read_snapshot`) and leave a
    "rebuild" row, committed, so that every other process rebuilds on its next use."""
    try:
        with _guarded():
            mark = changes_table.announce_rebuild(db.session.connection(), mark)
    except TABLE_ERRORS:
        log.warning("match_changes cannot be written; other processes keep their models", exc_info=True)
        mark = None
    db.session.commit()
    set_model(model, mark)


@contextmanager
def _reading() -> Iterator[Session]:
    """A short read of committed rows on a connection of its own, begun DEFERRED on SQLite and
    ended at once: never the request's session, its write lock or its uncommitted rows."""
    with reading_only(), Session(db.engine) as session:
        yield session


def _guarded() -> AbstractContextManager[Any]:
    """Where a failed statement on match_changes leaves the caller's transaction usable."""
    return db.session.begin_nested() if state().savepoints else nullcontext()


def _refresh(holder: MatchingState) -> None:
    if holder.model is None:
        _build(holder)
    else:
        _catch_up(holder)


def _build(holder: MatchingState) -> None:
    """A full build; the mark is read first, so a change committed meanwhile is replayed later.
    Changes this process commits during the build are applied to the old model and lost with
    it, but their rows lie above the mark: the next use replays them."""
    mark, snapshot = read_snapshot()
    if holder.meaning_in_background and has_request_context() and text_embedder() is not None:
        model = MatchModel.build(snapshot, current_weights())  # words only, for this page at once
        _build_meaning_later(holder)
    else:
        model = build_with_meaning(snapshot, current_weights())
    if mark is None:
        holder.retry_at = monotonic() + RETRY_SECONDS
    set_model(model, mark)


def _build_meaning_later(holder: MatchingState) -> None:
    """Build the model with meaning in a thread of this process and install it (with the mark
    read before its snapshot, so what was committed meanwhile is replayed on it), unless such
    a build already runs."""
    with holder.lock:
        if holder.meaning_builder is not None and holder.meaning_builder.is_alive():
            return
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        holder.meaning_builder = threading.Thread(
            target=_build_meaning_in, args=(app,), name="match-meaning", daemon=True
        )
        holder.meaning_builder.start()


def _build_meaning_in(app: Flask) -> None:
    with app.app_context():
        try:
            mark, snapshot = read_snapshot()
            set_model(build_with_meaning(snapshot, current_weights()), mark)
        except Exception:  # noqa: BLE001 - the words-only model keeps serving; the next build retries
            log.exception("the match model with meaning could not be built; matching by words only")
        finally:
            db.session.remove()


def _catch_up(holder: MatchingState) -> None:
    assert holder.model is not None
    if holder.mark is None:  # unreadable at the build: if it reads now, what was missed is unknown
        if read_mark() is None:
            holder.retry_at = monotonic() + RETRY_SECONDS
        else:
            _build(holder)
        return
    try:
        with _reading() as session:
            backlog = changes_table.backlog(session.connection(), holder.mark)
            reloaded = None if backlog.rebuild else changes_table.reload(session, backlog.rows)
    except TABLE_ERRORS:
        log.warning("match_changes cannot be read; serving the match model as it is", exc_info=True)
        holder.retry_at = monotonic() + RETRY_SECONDS
        return
    if reloaded is None:
        _build(holder)
    elif backlog.rows:
        with holder.lock:
            apply_changes(holder.model, reloaded.against(holder.model))
            holder.mark = backlog.last


def render_reasons(reasons: list[dict[str, Any]]) -> list[str]:
    """Reasons as sentences in the current request's language (Flask-Babel)."""
    from flask_babel import gettext, ngettext

    return [render_reason(reason, gettext, ngettext) for reason in reasons]


def _collect_deletions(session: Session, _context: Any, _instances: Any) -> None:
    """Deleted rows are read before the flush, while they can still be loaded."""
    _collect(session, session.deleted, present=False)


def _collect_changes(session: Session, _context: Any) -> None:
    """New and changed rows are read after the flush, once they have their ids."""
    dirty = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    _collect(session, [*session.new, *dirty], present=True)


def _collect(session: Session, objects: Any, present: bool) -> None:
    """Turn ORM objects into engine records now, applied here after the commit, and note their
    keys for match_changes, written before it (for the other processes)."""
    changes = session.info.setdefault("matching_changes", [])
    practice = practice_model()
    for obj in objects:
        if isinstance(obj, Organisation):
            changes.append(("org", org_record(obj), present))
            changes_table.note(session, "org", str(obj.id))
        elif isinstance(obj, OrgLink):
            changes.append(("link", link_record(obj), present))
            changes_table.note(session, "link", changes_table.link_key(link_record(obj)))
        elif practice is not None and isinstance(obj, practice):
            changes.append(("practice", practice_record(obj), present and obj.state == "published"))
            changes_table.note(session, "practice", str(obj.id))
        elif isinstance(obj, ExchangeOutcome):  # applied here by workflow.feed_outcome
            changes_table.note(session, "practice", str(-obj.id))


def _note_bulk_statement(execute: ORMExecuteState) -> None:
    """A bulk INSERT/UPDATE/DELETE of engine records (an import) bypasses the flush: every
    process rebuilds, this one included."""
    if not (execute.is_insert or execute.is_update or execute.is_delete):
        return
    mapper = execute.bind_mapper
    if mapper is not None and mapper.class_ in _engine_models():
        changes_table.note(execute.session, changes_table.REBUILD, "")


def _engine_models() -> tuple[type, ...]:
    practice = practice_model()
    return (Organisation, OrgLink, ExchangeOutcome) + ((practice,) if practice is not None else ())


def _write_changes(session: Session) -> None:
    """Before the outermost commit: flush what is pending (its keys are noted by the flush),
    then write the keys. Savepoints leave them to their enclosing transaction."""
    if session.in_nested_transaction():
        return
    session.flush()
    changes_table.write_noted(session)


def _apply_changes(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the changes are not committed yet
        return
    changes = session.info.pop("matching_changes", [])
    if not changes:
        return
    try:
        holder = state()
    except (RuntimeError, KeyError):  # no app context, or an app without the matching domain
        return
    with holder.lock:
        if holder.model is not None:
            apply_changes(holder.model, changes)


def apply_changes(model: MatchModel, changes: list[tuple[str, Any, bool]]) -> None:
    """Replay record changes on a built model, each at the cost of that record.

    New organisations go first so that links flushed with them find both ends."""
    order = {"org": 0, "link": 1, "practice": 2}
    for what, record, present in sorted(changes, key=lambda change: order[change[0]]):
        if what == "org" and present:
            model.put_org(record)
        elif what == "org":
            model.remove_org(record.id)
        elif what == "link":
            model.set_link(record, present)
        elif what == "practice":
            model.put_practice(record, present)


def _forget_changes(session: Session, previous: SessionTransaction) -> None:
    """A rollback of the whole transaction drops what it noted. After a savepoint's rollback
    the keys stay (a needless reload is harmless) and so do the records."""
    if previous.parent is None:
        session.info.pop("matching_changes", None)
        changes_table.forget_noted(session)
