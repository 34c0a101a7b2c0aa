"""The search outbox: one row per changed indexable record, written in the same transaction.

A session listener looks at what each flush adds, changes or deletes; for every object of a
registered model it asks the registry which index keys that change affects (a post refreshes
itself and its thread) and inserts those keys on the flush's own connection. A rollback
therefore takes the rows with it, and a commit makes the change and its rows durable together:
the indexer can crash at any point and the backlog is simply replayed.

Keys are ``<type>:<database id>``; two expansion keys stand for many documents and are
resolved by the indexer: ``group:<id>`` (every thread and post of a group, when its visibility
or title changes) and ``thread-posts:<id>`` (the posts of a renamed or moved thread).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import String, event, insert, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db

KeysFor = Callable[[Any, str], Iterable[str]]  # (object, "new" | "dirty" | "deleted") -> keys
PENDING = "search_outbox_pending"  # session.info flag: this transaction wrote outbox rows
_listeners: list[Callable[[], None]] = []  # called after a commit that wrote rows


class SearchOutbox(db.Model):
    """A key whose index entry must be refreshed from the database (or removed)."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)


def _changed(obj: Any, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _own_key(prefix: str) -> KeysFor:
    """For records whose change touches only their own document."""
    return lambda obj, _how: [f"{prefix}:{obj.id}"]


def _group(obj: Any, how: str) -> list[str]:
    if how == "dirty" and _changed(obj, "visibility", "title"):
        return [f"group:{obj.id}"]
    return []


def _thread(obj: Any, how: str) -> list[str]:
    keys = [f"thread:{obj.id}"]
    if how == "dirty" and _changed(obj, "title", "group_id", "language"):
        keys.append(f"thread-posts:{obj.id}")
    return keys


def _post(obj: Any, how: str) -> list[str]:
    keys = [f"post:{obj.id}", f"thread:{obj.thread_id}"]
    if how == "dirty":
        keys += [f"thread:{old}" for old in inspect(obj).attrs["thread_id"].history.deleted if old]
    return keys


def default_registry() -> dict[type, KeysFor]:
    """Which models are indexable, and the keys a change to one of them touches."""
    from covenant_hub.events.models import Event, NewsItem
    from covenant_hub.forum.models import Group, Post, Thread
    from covenant_hub.library.models import Practice
    from covenant_hub.orgs.models import Organisation

    return {
        Practice: _own_key("practice"), Organisation: _own_key("organisation"), Event: _own_key("event"),
        NewsItem: _own_key("news"), Group: _group, Thread: _thread, Post: _post,
    }  # fmt: skip


_registry: dict[type, KeysFor] = {}


def keys_for_flush(session: Session) -> set[str]:
    """The keys touched by the objects this flush wrote (ids are assigned by now)."""
    keys: set[str] = set()
    for how, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        for obj in objects:
            keys_for = _registry.get(type(obj))
            if keys_for is None:
                continue
            if how == "dirty" and not session.is_modified(obj, include_collections=False):
                continue
            keys.update(keys_for(obj, how))
    return keys


def _children_of_deleted(session: Session) -> set[str]:
    """Posts (and threads) that the database deletes by cascade with a thread or group.

    Asked before the flush, while they still exist; the ORM never sees them go.
    """
    from covenant_hub.forum.models import Group, Post, Thread

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
    if _registry and session.deleted:
        session.info.setdefault("search_cascade", set()).update(_children_of_deleted(session))


def _after_flush(session: Session, _context: Any) -> None:
    if not _registry:
        return
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


def registered(model: Any) -> bool:
    return model in _registry


def install() -> None:
    """Start writing outbox rows from every session (idempotent: one set of listeners)."""
    from covenant_hub.search.bulk import on_orm_execute

    if not _registry:
        _registry.update(default_registry())
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
