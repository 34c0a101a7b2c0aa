"""The matchmaker's embedding cache in the database: one row a text, read and written on
connections of their own, so that neither a request's transaction nor a model build waits on
it, and a failure here only costs the embedding it would have saved."""

from __future__ import annotations

import logging
import threading

import numpy as np
from flask import Flask, current_app, has_request_context, request
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from covenant_hub.clock import utcnow
from covenant_hub.database import reading_only, writing
from covenant_hub.extensions import db
from covenant_hub.matching.models import MatchTextVector

log = logging.getLogger(__name__)
CHUNK = 500  # digests a query asks for at once (SQLite's bound-parameter limit is far above)


class DatabaseVectorStore:
    """`language.embedding.VectorStore` on the `match_text_vectors` table."""

    def load(self, digests: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with reading_only(), db.engine.connect() as connection:  # DEFERRED: never waits on a writer
            for start in range(0, len(digests), CHUNK):
                rows = connection.execute(
                    select(MatchTextVector.digest, MatchTextVector.vector).where(
                        MatchTextVector.digest.in_(digests[start : start + CHUNK])
                    )
                )
                found.update((digest, np.frombuffer(vector, dtype=np.float32)) for digest, vector in rows)
        return found

    def save(self, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        rows = [
            {"digest": digest, "vector": np.asarray(vector, np.float32).tobytes(), "created_at": utcnow()}
            for digest, vector in vectors.items()
        ]
        if _request_holds_the_write_lock():
            # A POST's open transaction holds SQLite's write lock: a second connection of this
            # very request would wait on it for the whole busy timeout. Save once it has ended.
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            threading.Thread(target=_save_in, args=(app, rows), name="match-vectors", daemon=True).start()
            return
        _insert(rows)


def _request_holds_the_write_lock() -> bool:
    return (
        db.engine.dialect.name == "sqlite"
        and has_request_context()
        and request.method not in ("GET", "HEAD", "OPTIONS")
        and db.session().in_transaction()
    )


def _save_in(app: Flask, rows: list[dict]) -> None:
    with app.app_context():
        try:
            _insert(rows)
        except Exception:  # noqa: BLE001 - only the next process pays the embedding again
            log.warning("the embedding cache cannot be written", exc_info=True)


def _insert(rows: list[dict]) -> None:
    with writing(), db.engine.begin() as connection:
        connection.execute(_insert_ignoring_known(connection.dialect.name), rows)


def _insert_ignoring_known(dialect: str):
    """Another process may have stored the same text meanwhile: its row is as good as ours."""
    if dialect == "sqlite":
        return sqlite.insert(MatchTextVector).on_conflict_do_nothing()
    if dialect == "postgresql":
        return postgresql.insert(MatchTextVector).on_conflict_do_nothing()
    return insert(MatchTextVector)
