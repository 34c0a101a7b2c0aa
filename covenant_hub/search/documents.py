"""The indexer's reads: the current documents for a batch of outbox keys, and every document
for a rebuild. Which types there are, and how a row becomes a document, is in sources.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.forum.models import Post, Thread
from covenant_hub.search.engine.schema import SearchDocument
from covenant_hub.search.sources import indexed


def load(kind: str, ids: list[int]) -> list[Any]:
    """The rows of one type with these ids, with what their documents read loaded alongside."""
    source = indexed()[kind]
    stmt = select(source.model).where(source.model.id.in_(ids)).options(*source.eager())
    return list(db.session.scalars(stmt).unique())


def build(kind: str, rows: list[Any]) -> Iterator[SearchDocument]:
    """Documents for rows of one type (None-documents are skipped: those keys go)."""
    make = indexed()[kind].build
    return (d for d in (make(rows) if make else ()) if d is not None)


def documents_for(keys: Iterable[str]) -> dict[str, SearchDocument]:
    """The current document of each plain key that still has one (missing keys: remove them)."""
    ids: dict[str, list[int]] = defaultdict(list)
    for key in keys:
        kind, _, raw = key.partition(":")
        if kind in indexed() and raw.isdigit():
            ids[kind].append(int(raw))
    out: dict[str, SearchDocument] = {}
    for kind, wanted in ids.items():
        for start in range(0, len(wanted), 500):
            out.update((d.key, d) for d in build(kind, load(kind, wanted[start : start + 500])))
    return out


def expand(keys: Iterable[str]) -> set[str]:
    """Replace ``group:<id>`` and ``thread-posts:<id>`` by the plain keys they stand for.

    One query for all the groups' threads and one for all the posts, whatever the batch holds.
    """
    plain: set[str] = set()
    groups: set[int] = set()
    threads: set[int] = set()
    for key in keys:
        kind, _, raw = key.partition(":")
        if kind == "group" and raw.isdigit():
            groups.add(int(raw))
        elif kind == "thread-posts" and raw.isdigit():
            threads.add(int(raw))
        else:
            plain.add(key)
    if groups:
        in_groups = set(db.session.scalars(select(Thread.id).where(Thread.group_id.in_(groups))))
        plain.update(f"thread:{t}" for t in in_groups)
        threads |= in_groups
    if threads:
        posts = db.session.scalars(select(Post.id).where(Post.thread_id.in_(threads)))
        plain.update(f"post:{p}" for p in posts)
    return plain


def all_documents(chunk: int = 1000) -> Iterator[SearchDocument]:
    """Every document the database holds, streamed in id order chunk by chunk (for rebuilds)."""
    for kind, source in indexed().items():
        model = source.model
        last = 0
        while True:
            ids = list(
                db.session.scalars(select(model.id).where(model.id > last).order_by(model.id).limit(chunk))
            )
            if not ids:
                break
            yield from build(kind, load(kind, ids))
            last = ids[-1]
            db.session.expunge_all()


def count_records() -> int:
    """Rows a rebuild will read: the length of its progress bar."""
    from sqlalchemy import func

    models = [source.model for source in indexed().values()]
    return sum(db.session.scalar(select(func.count()).select_from(m)) or 0 for m in models)
