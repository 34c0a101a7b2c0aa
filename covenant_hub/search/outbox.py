"""The search change log: one row per changed indexable record, written in the same transaction.

A session listener looks at what each flush adds, changes or deletes; for every object of a
searchable model it asks the model's row in sources.py which index keys that change affects (a
post refreshes itself and its thread) and inserts those keys on the flush's own connection. A
statement hook does the same for bulk INSERT/UPDATE/DELETE statements, which no flush sees. A
rollback therefore takes the rows with it, and a commit makes the change and its rows durable
together: the indexer can crash at any point and the backlog is simply replayed.

Keys are ``<type>:<database id>``, plus the two expansion keys described in sources.py.

The table is an append-only log that every node follows from its own mark (indexer.py): no
reader deletes a row. Rows older than ``SEARCH_LOG_KEEP_S`` are pruned (``prune``), leaving a
``!pruned:<id>`` row: a follower whose mark is below that id slept through the prune and may
have missed a row, so it rebuilds. A mark is only safe if ids become visible in id order:
SQLite serialises writers (BEGIN IMMEDIATE); on PostgreSQL a writer takes the transaction
advisory lock that also orders `match_changes` (one lock for both logs, so two transactions
can never wait on each other's), held from its first row to its commit; and it sends a NOTIFY
on ``search_log`` that PostgreSQL delivers at the commit (and drops with a rollback), which
wakes every node's follower at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, String, delete, event, func, insert, select, text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum.models import Group, Post, Thread
from covenant_hub.matching.changes import PG_LOCK
from covenant_hub.search.sources import by_model

PENDING = "search_outbox_pending"  # session.info flag: this transaction wrote outbox rows
LOCKED = "search_outbox_locked"  # session.info flag: this transaction holds the writers' lock
_listeners: list[Callable[[], None]] = []  # called after a commit that wrote rows
CHANNEL = "search_log"  # PostgreSQL NOTIFY channel: the log has new rows
PRUNED = "!pruned:"  # key prefix of the row a prune leaves; "!" keys are never documents


class SearchOutbox(db.Model):
    """A key whose index entry must be refreshed from the database (or removed)."""

    __tablename__ = "search_outbox"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused: followers keep marks

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)


def keys_for_flush(session: Session) -> set[str]:
    """The keys touched by the objects this flush wrote (ids are assigned by now)."""
    keys: set[str] = set()
    for how, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        for obj in objects:
            source = by_model().get(type(obj))
            if source is None:
                continue
            if how == "dirty" and not session.is_modified(obj, include_collections=False):
                continue
            keys.update(source.keys_for(obj, how))
    return keys


def _children_of_deleted(session: Session) -> set[str]:
    """Posts (and threads) that the database deletes by cascade with a thread or group.

    Asked before the flush, while they still exist; the ORM never sees them go.
    """
    threads = {o.id for o in session.deleted if isinstance(o, Thread)}
    groups = {o.id for o in session.deleted if isinstance(o, Group)}
    if not (threads or groups):
        return set()
    if groups:
        in_groups = session.scalars(select(Thread.id).where(Thread.group_id.in_(groups)))
        threads |= set(in_groups)
    post_ids = session.scalars(select(Post.id).where(Post.thread_id.in_(threads))) if threads else []
    return {f"thread:{t}" for t in threads} | {f"post:{p}" for p in post_ids}


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.deleted:
        session.info.setdefault("search_cascade", set()).update(_children_of_deleted(session))


def _after_flush(session: Session, _context: Any) -> None:
    write_keys(session, keys_for_flush(session) | session.info.pop("search_cascade", set()))


def write_keys(session: Session, keys: set[str]) -> None:
    """Insert outbox rows on the session's own connection (inside its transaction)."""
    if not keys:
        return
    now = utcnow()
    connection = session.connection()
    if connection.dialect.name == "postgresql" and not session.info.get(LOCKED):
        in_id_order(connection)
        connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
        session.info[LOCKED] = True
    connection.execute(
        insert(SearchOutbox.__table__), [{"key": key, "created_at": now} for key in sorted(keys)]
    )
    session.info[PENDING] = True


def in_id_order(connection: Connection) -> None:
    """Hold the log writers' lock to the end of this transaction (SQLite holds its own)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK})


def last_id(connection: Connection) -> int:
    """The newest row's id (0 for an empty log)."""
    return int(connection.scalar(select(func.max(SearchOutbox.id))) or 0)


def prune(connection: Connection, keep_s: float) -> int:
    """Delete rows older than ``keep_s`` seconds, leaving a ``!pruned:<id>`` row that says up to
    which id; inside the caller's transaction. Returns how many rows went."""
    table = SearchOutbox.__table__
    cutoff = utcnow() - timedelta(seconds=keep_s)
    in_id_order(connection)  # the marker is a log row like any other
    last = connection.scalar(select(func.max(table.c.id)).where(table.c.created_at < cutoff))
    if last is None:
        return 0
    last = min(int(last), last_id(connection) - 1)  # the newest row stays: ids go on from it
    deleted = int(connection.execute(delete(table).where(table.c.id <= last)).rowcount or 0)
    if deleted:
        connection.execute(insert(table).values(key=f"{PRUNED}{last}", created_at=utcnow()))
    return deleted


def pruned_above(keys: Iterable[str], mark: int) -> bool:
    """Does one of these rows say a prune deleted rows above ``mark`` (so a follower there missed some)?"""
    return any(key.startswith(PRUNED) and int(key[len(PRUNED) :]) > mark for key in keys)


def document_keys(keys: Iterable[str]) -> set[str]:
    """The keys that name documents (not the log's own "!" rows)."""
    return {key for key in keys if not key.startswith("!")}


def _after_commit(session: Session) -> None:
    session.info.pop(LOCKED, None)
    if session.info.pop(PENDING, False):
        for notify in list(_listeners):
            notify()


def _after_rollback(session: Session, *_: Any) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(LOCKED, None)
    session.info.pop("search_cascade", None)


# -- bulk statements ---------------------------------------------------------------------------
# ``session.execute(update(Post).where(...))`` (a thread merge), ``insert(Organisation)`` with a
# list of rows (the GCoM import) and ``update(Organisation)`` by primary key change indexable
# rows without loading them, so the flush hooks never see them. The ``do_orm_execute`` hook finds
# the ids concerned (from the WHERE clause before the statement, from the parameters, or from the
# inserted external ids after it), runs the statement, and writes their keys in the same
# transaction.


def _keys(session: Any, model: Any, ids: Iterable[int]) -> set[str]:
    """Keys for rows of ``model``; posts also refresh their threads, threads their posts."""
    ids = [i for i in ids if i is not None]
    prefix = by_model()[model].type
    keys = {f"{prefix}:{i}" for i in ids}
    if prefix == "post" and ids:
        threads = session.scalars(select(model.thread_id).where(model.id.in_(ids)))
        keys |= {f"thread:{t}" for t in threads}
    elif prefix == "thread":
        keys |= {f"thread-posts:{i}" for i in ids}
    return keys


def _rows(state: ORMExecuteState) -> list[dict[str, Any]]:
    params = state.parameters
    if isinstance(params, list):
        return [p for p in params if isinstance(p, dict)]
    return [params] if isinstance(params, dict) and params else []


def on_orm_execute(state: ORMExecuteState) -> Any:
    """Write outbox keys for a bulk INSERT/UPDATE/DELETE of an indexable model."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    mapper = state.bind_mapper
    model = mapper.class_ if mapper is not None else None
    if model is None or model not in by_model():
        return None
    session, stmt, rows = state.session, state.statement, _rows(state)
    where = getattr(stmt, "whereclause", None)
    by_pk = [r["id"] for r in rows if "id" in r]
    if where is not None:
        matched = list(session.scalars(select(model.id).where(where)))
    elif state.is_insert or by_pk:
        matched = []
    else:  # a whole-table UPDATE or DELETE
        matched = list(session.scalars(select(model.id)))
    before = _keys(session, model, matched)
    result = state.invoke_statement()
    keys = before | _keys(session, model, by_pk)
    if state.is_update:  # after the change too: posts moved to another thread refresh that one
        keys |= _keys(session, model, matched)
    external = [r["external_id"] for r in rows if "external_id" in r and "id" not in r]
    if state.is_insert and external and hasattr(model, "external_id"):
        keys |= _keys(
            session, model, session.scalars(select(model.id).where(model.external_id.in_(external)))
        )
    write_keys(session, keys)
    return result


def install() -> None:
    """Start writing outbox rows from every session (idempotent: one set of listeners)."""
    for name, fn in (
        ("do_orm_execute", on_orm_execute),
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("after_commit", _after_commit),
        ("after_soft_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def on_commit(notify: Callable[[], None]) -> None:
    """Call ``notify`` (cheaply, no SQL) after each commit in this process that wrote rows."""
    if notify not in _listeners:
        _listeners.append(notify)
