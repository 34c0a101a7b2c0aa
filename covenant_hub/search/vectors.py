"""Document vectors as derived data, kept in the database so that every web node shares them.

Embedding is slow (a few documents a second on a 2-core machine), so it never sits in the
keyword drain: the drain only queues the keys it indexed (``search_vector_pending``, in the
same transaction that clears their outbox rows), and a separate, batched step embeds them.
Each vector row carries the hash of the text it was computed from and the model's name: a
reindex re-embeds only what changed, and a new model re-embeds everything.

Why the database and not a file beside each node's index: embedding once for all nodes is
the expensive part; each node only follows the table (rows whose ``id`` is above the last it
read: every write deletes and re-inserts, so ids only grow) into its in-memory
``SemanticIndex``. A deleted document's vector goes when the keyword drain applies the delete,
in the same transaction, embedder or not: its row is replaced by a tombstone (model
``TOMBSTONE``, no vector), a new id that every follower reads and answers by dropping the key
from its store. ``flask search reindex`` clears the tombstones (a node that starts reads the
table from the beginning and needs none).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Integer, LargeBinary, String, delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from covenant_hub.clock import utcnow
from covenant_hub.database import reading_only, writing
from covenant_hub.extensions import db
from covenant_hub.language.embedding import Embedder, document_views
from covenant_hub.language.semantic import VIEWS, SemanticIndex
from covenant_hub.search import documents
from covenant_hub.search.engine.schema import SearchDocument

EMBED_BATCH = 16
BODY_CHARS = 1000
TOMBSTONE = "-deleted-"


class SearchVector(db.Model):
    """A document's raw vectors (float16, VIEWS x dim) and the hash of the text behind them."""

    __tablename__ = "search_vectors"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    lang: Mapped[str] = mapped_column(String(8))
    model: Mapped[str] = mapped_column(String(80))
    content_hash: Mapped[str] = mapped_column(String(40))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)


class SearchVectorPending(db.Model):
    """A key the keyword drain indexed whose vector may be missing or stale."""

    __tablename__ = "search_vector_pending"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)


def text_of(doc: SearchDocument) -> tuple[str, str]:
    """The title and the opening of the body: what a vector is computed from."""
    return doc.title, doc.body[:BODY_CHARS]


def content_hash(doc: SearchDocument, model: str) -> str:
    title, body = text_of(doc)
    raw = "\x00".join((model, doc.language or "", title, body)).encode("utf-8")
    return hashlib.sha1(raw, usedforsecurity=False).hexdigest()


def language_of(doc: SearchDocument) -> str:
    from covenant_hub.language.detection import detect_language

    return doc.language or detect_language(f"{doc.title}\n{doc.body[:500]}")


def queue(keys: Iterable[str]) -> None:
    """Mark keys for (re-)embedding, inside the caller's transaction; duplicates are skipped,
    also those another node's drain queues at the same moment (every node follows the log)."""
    wanted = set(keys)
    if not wanted:
        return
    present = set(
        db.session.scalars(select(SearchVectorPending.key).where(SearchVectorPending.key.in_(wanted)))
    )
    rows = [{"key": key} for key in sorted(wanted - present)]
    if rows:
        db.session.execute(_insert_new(db.session.get_bind().dialect.name), rows)


def _insert_new(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for the pending queue, in the database's own dialect."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(SearchVectorPending).on_conflict_do_nothing()
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(SearchVectorPending).on_conflict_do_nothing()
    return insert(SearchVectorPending)


def forget(keys: Iterable[str], connection: Any = None) -> int:
    """Drop the vectors of deleted documents, leaving a tombstone for the followers; keys
    without a vector are skipped. In the caller's transaction (the drain's), or on
    ``connection``. Returns how many went."""
    wanted = sorted(set(keys))
    if not wanted:
        return 0
    run = connection.execute if connection is not None else db.session.execute
    had = [
        key for (key,) in run(
            select(SearchVector.key).where(SearchVector.key.in_(wanted), SearchVector.model != TOMBSTONE)
        ).all()
    ]  # fmt: skip
    if had:
        run(delete(SearchVector).where(SearchVector.key.in_(had)))
        stones = [{"key": key, "lang": "", "model": TOMBSTONE, "content_hash": "", "vector": b"",
                   "updated_at": utcnow()} for key in had]  # fmt: skip
        run(insert(SearchVector), stones)
    return len(had)


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchVectorPending)) or 0


@dataclass(frozen=True)
class EmbedResult:
    """``embedded`` texts computed; ``unchanged`` keys whose hash matched; ``removed`` gone."""

    embedded: int = 0
    unchanged: int = 0
    removed: int = 0


def _rows(embedder: Embedder, docs: list[SearchDocument], hashes: dict[str, str]) -> list[dict]:
    """The model's part, the slow one: called with no transaction open."""
    rows: list[dict] = []
    for start in range(0, len(docs), EMBED_BATCH):
        chunk = docs[start : start + EMBED_BATCH]
        titles, bodies = zip(*(text_of(d) for d in chunk), strict=True)
        views = document_views(embedder, list(titles), list(bodies)).astype(np.float16)
        rows += [
            {"key": d.key, "lang": language_of(d), "model": embedder.name, "content_hash": hashes[d.key],
             "vector": views[i].tobytes(), "updated_at": utcnow()}
            for i, d in enumerate(chunk)
        ]  # fmt: skip
    return rows


def _write(rows: list[dict], removed: list[str], done: list[str] = ()) -> None:
    """Store vectors, drop removed ones and clear ``done`` pending keys in one short write
    transaction of its own, so the model's minutes never hold the SQLite write lock that
    every POST waits on (embedding inside the caller's transaction made pages time out)."""
    with writing(), db.engine.begin() as connection:
        stored = [row["key"] for row in rows]
        if stored:
            connection.execute(delete(SearchVector).where(SearchVector.key.in_(stored)))
            connection.execute(insert(SearchVector), rows)
        if removed:
            forget(removed, connection)
        if done:
            connection.execute(delete(SearchVectorPending).where(SearchVectorPending.key.in_(list(done))))


def _changed(
    embedder: Embedder, docs: dict[str, SearchDocument]
) -> tuple[dict[str, str], list[SearchDocument]]:
    """Each document's content hash, and the documents whose stored vector does not match it."""
    hashes = {key: content_hash(doc, embedder.name) for key, doc in docs.items()}
    wanted = select(SearchVector.key, SearchVector.content_hash).where(SearchVector.key.in_(list(hashes)))
    stored = {key: digest for key, digest in db.session.execute(wanted).all()}
    return hashes, [docs[k] for k in sorted(docs) if stored.get(k) != hashes[k]]


def embed_documents(
    embedder: Embedder, docs: dict[str, SearchDocument], gone: Iterable[str] = (), done: Iterable[str] = ()
) -> EmbedResult:
    """Embed the documents whose text (or the model) changed since their stored vector.

    The caller reads in a `reading_only` transaction (or none); the vectors are written and
    committed on a connection of their own."""
    hashes, changed = _changed(embedder, docs)
    db.session.rollback()  # no snapshot (or lock) is held while the model runs
    removed = list(gone)
    _write(_rows(embedder, changed, hashes), removed, list(done))
    return EmbedResult(len(changed), len(docs) - len(changed), len(removed))


def embed_pending(embedder: Embedder, batch: int = EMBED_BATCH * 4) -> EmbedResult:
    """One batch of the pending queue: embed what changed, then clear those keys."""
    with reading_only():
        keys = list(
            db.session.scalars(select(SearchVectorPending.key).order_by(SearchVectorPending.key).limit(batch))
        )
        if not keys:
            db.session.rollback()
            return EmbedResult()
        docs = documents.documents_for(keys)
        return embed_documents(embedder, docs, [k for k in keys if k not in docs], done=keys)


def sync_all(
    embedder: Embedder, progress: Callable[[int], None] | None = None, chunk: int = 500
) -> EmbedResult:
    """Bring every stored vector up to date with the database (``flask search reindex``).

    Unchanged documents cost a hash each; changed or new ones are embedded; vectors of keys
    that no longer have a document go. Each chunk is written on its own, so an interrupted run
    keeps its work, and the reads never hold the write lock.
    """
    total = EmbedResult()
    seen: set[str] = set()
    batch: dict[str, SearchDocument] = {}

    def flush() -> None:
        nonlocal total
        hashes, changed = _changed(embedder, batch)
        _write(_rows(embedder, changed, hashes), [])
        total = EmbedResult(total.embedded + len(changed), total.unchanged + len(batch) - len(changed), 0)
        if progress is not None:
            progress(len(seen))
        batch.clear()

    with reading_only():
        for doc in documents.all_documents():
            seen.add(doc.key)
            batch[doc.key] = doc
            if len(batch) >= chunk:
                flush()
        flush()
        live = select(SearchVector.key).where(SearchVector.model != TOMBSTONE)
        stale = sorted(set(db.session.scalars(live)) - seen)
        pending = list(db.session.scalars(select(SearchVectorPending.key)))
        db.session.rollback()
    for start in range(0, max(len(stale), len(pending)), 500):
        _write([], stale[start : start + 500], pending[start : start + 500])
    with writing(), db.engine.begin() as connection:  # every node re-reads from the start anyway
        connection.execute(delete(SearchVector).where(SearchVector.model == TOMBSTONE))
    return EmbedResult(total.embedded, total.unchanged, len(stale))


def stored_for(session: Any, prefix: str, model: str) -> dict[str, tuple[str, np.ndarray]]:
    """Every stored vector whose key starts with ``prefix`` (say, "practice:"), computed by
    ``model``: key -> (language, raw (VIEWS, dim) float32). For the matchmaker."""
    rows = session.execute(
        select(SearchVector.key, SearchVector.lang, SearchVector.vector).where(
            SearchVector.key.startswith(prefix, autoescape=True), SearchVector.model == model
        )
    ).all()
    return {r.key: (r.lang, np.frombuffer(r.vector, dtype=np.float16).reshape(VIEWS, -1).astype(np.float32))
            for r in rows}  # fmt: skip


class Follower:
    """Keeps one process's SemanticIndex in step with the table (only rows it has not read)."""

    def __init__(self, index: SemanticIndex, model: str) -> None:
        self.index = index
        self.model = model
        self.last_id = 0

    def refresh(self, limit: int = 20_000) -> int:
        """Read new rows (at most ``limit``); returns how many were applied."""
        v = SearchVector
        columns = (v.id, v.key, v.lang, v.model, v.vector)
        rows = db.session.execute(
            select(*columns)
            .where(SearchVector.id > self.last_id, SearchVector.model.in_([self.model, TOMBSTONE]))
            .order_by(SearchVector.id)
            .limit(limit)
        ).all()
        db.session.rollback()
        if not rows:
            return 0
        live = [r for r in rows if r.model != TOMBSTONE]
        self.index.remove(r.key for r in rows if r.model == TOMBSTONE)
        if live:  # a key has one row at a time, so removals and upserts never cross
            shape = (VIEWS, self.index.dim)
            vectors = np.stack([np.frombuffer(r.vector, dtype=np.float16).reshape(shape) for r in live])
            self.index.upsert([r.key for r in live], [r.lang for r in live], vectors)
        self.last_id = rows[-1].id
        return len(rows)
