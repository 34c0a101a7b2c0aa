"""Document vectors as derived data, kept in the database so that every web node shares them.

Embedding is slow (a few documents a second on a 2-core machine), so it never sits in the
keyword drain: the drain only queues the keys it indexed (``search_vector_pending``, in the
same transaction that clears their outbox rows), and a separate, batched step embeds them.
Each vector row carries the hash of the text it was computed from and the model's name: a
reindex re-embeds only what changed, and a new model re-embeds everything.

Why the database and not a file beside each node's index: embedding once for all nodes is
the expensive part; each node only follows the table (rows whose ``id`` is above the last it
read: every write deletes and re-inserts, so ids only grow) into its in-memory
``SemanticIndex``. Deleted documents leave their vector behind until the next reindex, which is
harmless: a semantic hit whose key is no longer in the node's index is dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Integer, LargeBinary, String, delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.search import documents
from covenant_hub.search.embedding import Embedder, document_views
from covenant_hub.search.schema import SearchDocument
from covenant_hub.search.semantic import VIEWS, SemanticIndex

EMBED_BATCH = 16
BODY_CHARS = 1000


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
    from covenant_hub.search.detection import detect_language

    return doc.language or detect_language(f"{doc.title}\n{doc.body[:500]}")


def queue(keys: Iterable[str]) -> None:
    """Mark keys for (re-)embedding, inside the caller's transaction; duplicates are skipped."""
    wanted = set(keys)
    if not wanted:
        return
    present = set(
        db.session.scalars(select(SearchVectorPending.key).where(SearchVectorPending.key.in_(wanted)))
    )
    rows = [{"key": key} for key in sorted(wanted - present)]
    if rows:
        db.session.execute(insert(SearchVectorPending), rows)


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchVectorPending)) or 0


@dataclass(frozen=True)
class EmbedResult:
    """``embedded`` texts computed; ``unchanged`` keys whose hash matched; ``removed`` gone."""

    embedded: int = 0
    unchanged: int = 0
    removed: int = 0


def _store(embedder: Embedder, docs: list[SearchDocument], hashes: dict[str, str]) -> None:
    titles, bodies = zip(*(text_of(d) for d in docs), strict=True)
    views = document_views(embedder, list(titles), list(bodies)).astype(np.float16)
    keys = [d.key for d in docs]
    db.session.execute(delete(SearchVector).where(SearchVector.key.in_(keys)))
    db.session.execute(
        insert(SearchVector),
        [{"key": d.key, "lang": language_of(d), "model": embedder.name, "content_hash": hashes[d.key],
          "vector": views[i].tobytes(), "updated_at": utcnow()} for i, d in enumerate(docs)],
    )  # fmt: skip


def embed_documents(
    embedder: Embedder, docs: dict[str, SearchDocument], gone: Iterable[str] = ()
) -> EmbedResult:
    """Embed the documents whose text (or the model) changed since their stored vector."""
    hashes = {key: content_hash(doc, embedder.name) for key, doc in docs.items()}
    wanted = select(SearchVector.key, SearchVector.content_hash).where(SearchVector.key.in_(list(hashes)))
    stored = {key: digest for key, digest in db.session.execute(wanted).all()}
    changed = [docs[k] for k in sorted(docs) if stored.get(k) != hashes[k]]
    for start in range(0, len(changed), EMBED_BATCH):
        _store(embedder, changed[start : start + EMBED_BATCH], hashes)
    removed = list(gone)
    if removed:
        db.session.execute(delete(SearchVector).where(SearchVector.key.in_(removed)))
    return EmbedResult(len(changed), len(docs) - len(changed), len(removed))


def embed_pending(embedder: Embedder, batch: int = EMBED_BATCH * 4) -> EmbedResult:
    """One batch of the pending queue: embed what changed, then clear those keys."""
    keys = list(
        db.session.scalars(select(SearchVectorPending.key).order_by(SearchVectorPending.key).limit(batch))
    )
    if not keys:
        return EmbedResult()
    docs = documents.documents_for(keys)
    result = embed_documents(embedder, docs, [k for k in keys if k not in docs])
    db.session.execute(delete(SearchVectorPending).where(SearchVectorPending.key.in_(keys)))
    db.session.commit()
    return result


def sync_all(
    embedder: Embedder, progress: Callable[[int], None] | None = None, chunk: int = 500
) -> EmbedResult:
    """Bring every stored vector up to date with the database (``flask search reindex``).

    Unchanged documents cost a hash each; changed or new ones are embedded; vectors of keys
    that no longer have a document go. Commits per chunk, so an interrupted run keeps its work.
    """
    total = EmbedResult()
    seen: set[str] = set()
    batch: dict[str, SearchDocument] = {}

    def flush() -> None:
        nonlocal total
        step = embed_documents(embedder, batch)
        db.session.commit()
        total = EmbedResult(total.embedded + step.embedded, total.unchanged + step.unchanged, 0)
        if progress is not None:
            progress(len(seen))
        batch.clear()

    for doc in documents.all_documents():
        seen.add(doc.key)
        batch[doc.key] = doc
        if len(batch) >= chunk:
            flush()
    flush()
    stale = set(db.session.scalars(select(SearchVector.key))) - seen
    for start in range(0, len(stale), 500):
        db.session.execute(
            delete(SearchVector).where(SearchVector.key.in_(sorted(stale)[start : start + 500]))
        )
    db.session.execute(delete(SearchVectorPending))
    db.session.commit()
    return EmbedResult(total.embedded, total.unchanged, len(stale))


class Follower:
    """Keeps one process's SemanticIndex in step with the table (only rows it has not read)."""

    def __init__(self, index: SemanticIndex, model: str) -> None:
        self.index = index
        self.model = model
        self.last_id = 0

    def refresh(self, limit: int = 20_000) -> int:
        """Read new rows (at most ``limit``); returns how many were applied."""
        rows = db.session.execute(
            select(SearchVector.id, SearchVector.key, SearchVector.lang, SearchVector.vector)
            .where(SearchVector.id > self.last_id, SearchVector.model == self.model)
            .order_by(SearchVector.id)
            .limit(limit)
        ).all()
        db.session.rollback()
        if not rows:
            return 0
        shape = (VIEWS, self.index.dim)
        vectors = np.stack([np.frombuffer(r.vector, dtype=np.float16).reshape(shape) for r in rows])
        self.index.upsert([r.key for r in rows], [r.lang for r in rows], vectors)
        self.last_id = rows[-1].id
        return len(rows)
