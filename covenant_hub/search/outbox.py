"""The search outbox: one row per changed indexable record, written in the same transaction.

A session listener looks at what each flush adds, changes or deletes; for every object of a
searchable model it asks the model's row in sources.py which index keys that change affects (a
post refreshes itself and its thread) and inserts those keys on the flush's own connection. A
statement hook does the same for bulk INSERT/UPDATE/DELETE statements, which no flush sees. A
rollback therefore takes the rows with it, and a commit makes the change and its rows durable
together: the indexer can crash at any point and the backlog is simply replayed.

Keys are ``<type>:<database id>``, plus the two expansion keys described in sources.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import String, event, insert, select
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum.models import Group, Post, Thread
from covenant_hub.search.sources import by_model

PENDING = "search_outbox_pending"  # session.info flag: this transaction wrote outbox rows
_listeners: list[Callable[[], None]] = []  # called after a commit that wrote rows


class SearchOutbox(db.Model):
    """A key whose index entry must be refreshed from the database (or removed)."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)


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
    session.connection().execute(
        insert(SearchOutbox.__table__), [{"key": key, "created_at": now} for key in sorted(keys)]
    )
    session.info[PENDING] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(PENDING, False):
        for notify in list(_listeners):
            notify()


def _after_rollback(session: Session, *_: Any) -> None:
    session.info.pop(PENDING, None)
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
