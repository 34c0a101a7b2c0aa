"""Outbox rows for bulk statements, which the flush listener never sees.

``session.execute(update(Post).where(...))`` (a thread merge), ``insert(Organisation)`` with a
list of rows (the GCoM import) and ``update(Organisation)`` by primary key change indexable
rows without loading them. This ``do_orm_execute`` hook finds the ids concerned (from the
WHERE clause before the statement, from the parameters, or from the inserted external ids
after it), runs the statement, and writes their keys in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import ORMExecuteState

from covenant_hub.search import outbox

KEY_TYPES = {"Practice": "practice", "Organisation": "organisation", "Event": "event", "NewsItem": "news",
             "Thread": "thread", "Post": "post", "Group": "group"}  # fmt: skip


def _keys(session: Any, model: Any, ids: Iterable[int]) -> set[str]:
    """Keys for rows of ``model``; posts also refresh their threads, threads their posts."""
    ids = [i for i in ids if i is not None]
    prefix = KEY_TYPES[model.__name__]
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
    if model is None or not outbox.registered(model) or model.__name__ not in KEY_TYPES:
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
    outbox.write_keys(session, keys)
    return result
