"""The per-process match model of an app: built from the database on first use, kept current
by incremental refreshes after each commit that touches organisations, links or practices.

Each worker process holds its own copy; a change committed in another process reaches this
one at its next rebuild (`flask match rebuild` or a restart).
"""
from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from covenant_hub.extensions import db
from covenant_hub.matching.model import MatchModel, load_weights
from covenant_hub.matching.ranker import Match, recommend
from covenant_hub.matching.reasons import render_reason
from covenant_hub.matching.snapshot import (
    link_record,
    load_snapshot,
    org_record,
    practice_model,
    practice_record,
)
from covenant_hub.orgs.models import Organisation, OrgLink

EXTENSION = "matching"


class MatchingState:
    """What `app.extensions["matching"]` holds."""

    def __init__(self) -> None:
        self.model: MatchModel | None = None
        self.lock = threading.Lock()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = MatchingState()
    if not event.contains(db.session, "after_flush", _collect_changes):
        event.listen(db.session, "before_flush", _collect_deletions)
        event.listen(db.session, "after_flush", _collect_changes)
        event.listen(db.session, "after_commit", _apply_changes)
        event.listen(db.session, "after_rollback", _forget_changes)


def state(app: Flask | None = None) -> MatchingState:
    return (app or current_app).extensions[EXTENSION]


def build_model(weights: dict[str, Any] | None = None) -> MatchModel:
    """A fresh model from the current database."""
    return MatchModel.build(load_snapshot(db.session), weights or load_weights())


def get_model() -> MatchModel:
    """The cached model, built on first use."""
    holder = state()
    with holder.lock:
        if holder.model is None:
            holder.model = build_model()
        return holder.model


def set_model(model: MatchModel) -> None:
    holder = state()
    with holder.lock:
        holder.model = model


def recommendations(org: Organisation, kind: str, top: int = 10) -> list[Match]:
    """Ranked matches of `kind` for an organisation (the web layer's entry point)."""
    return recommend(get_model(), org.id, kind, top)


def render_reasons(reasons: list[dict[str, Any]]) -> list[str]:
    """Reasons as sentences in the current request's language (Flask-Babel)."""
    from flask_babel import gettext, ngettext

    return [render_reason(reason, gettext, ngettext) for reason in reasons]


def _collect_deletions(session: Session, _context: Any, _instances: Any) -> None:
    """Deleted rows are read before the flush, while they can still be loaded."""
    _collect(session, session.deleted, present=False)


def _collect_changes(session: Session, _context: Any) -> None:
    """New and changed rows are read after the flush, once they have their ids."""
    _collect(session, [*session.new, *session.dirty], present=True)


def _collect(session: Session, objects: Any, present: bool) -> None:
    """Turn ORM objects into engine records now; they are applied after the commit."""
    changes = session.info.setdefault("matching_changes", [])
    practice = practice_model()
    for obj in objects:
        if isinstance(obj, Organisation):
            changes.append(("org", org_record(obj), present))
        elif isinstance(obj, OrgLink):
            changes.append(("link", link_record(obj), present))
        elif practice is not None and isinstance(obj, practice):
            changes.append(("practice", practice_record(obj), present and obj.state == "published"))


def _apply_changes(session: Session) -> None:
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


def _forget_changes(session: Session) -> None:
    session.info.pop("matching_changes", None)
