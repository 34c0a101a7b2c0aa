"""Database rows turned into SearchDocuments, with the visibility each one carries.

Audiences: ``public``; ``group:<id>`` for members-only groups; ``org:<id>`` and ``user:<id>``
for a practice's drafts (its organisation's members and its author); ``staff`` for staff and
admins, who may read every group and every draft. A record nobody may find through search
(hidden or deleted posts, unpublished events and news) has no document: its key is removed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from covenant_hub.extensions import db
from covenant_hub.search.detection import reply_language
from covenant_hub.search.schema import SearchDocument

THREAD_POSTS_CHARS = 20_000  # a thread's document holds its first posts, enough to be found
INDEXED_POST_STATES = ("visible",)
PUBLIC_PRACTICE_STATES = ("published", "archived")


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _year(day: date | None) -> int | None:
    return day.year if day else None


def group_audience(group: Any) -> tuple[str, ...]:
    return ("public",) if group.visibility == "public" else (f"group:{group.id}", "staff")


def practice_doc(p: Any) -> SearchDocument:
    if p.state in PUBLIC_PRACTICE_STATES:
        audience: tuple[str, ...] = ("public",)
    else:
        audience = (f"org:{p.org_id}", "staff") + ((f"user:{p.author_id}",) if p.author_id else ())
    day = p.published or _day(p.created_at)
    owner = p.owner
    return SearchDocument(
        key=f"practice:{p.id}", type="practice", ext_id=p.external_id, title=p.title,
        body=f"{p.summary}\n{p.body}\n{' '.join(p.tags or [])}", language=p.language,
        sectors=tuple(p.sectors or ()), country=owner.country if owner else None,
        org_kind=owner.kind if owner else None, year=_year(day), date=day, audience=audience,
    )  # fmt: skip


def organisation_doc(o: Any) -> SearchDocument:
    body = "\n".join(part for part in (o.city, o.description, o.needs, o.offers) if part)
    day = o.joined or _day(o.created_at)
    return SearchDocument(
        key=f"organisation:{o.id}", type="organisation", ext_id=o.external_id, title=o.name, body=body,
        language=None, sectors=tuple(o.sectors or ()), country=o.country, org_kind=o.kind,
        year=_year(day), date=day,
    )  # fmt: skip


def event_doc(e: Any) -> SearchDocument | None:
    if e.state != "published":
        return None
    day = _day(e.starts_at)
    return SearchDocument(
        key=f"event:{e.id}", type="event", ext_id=e.external_id, title=e.title,
        body=f"{e.description}\n{e.place or ''}", language=e.language, year=_year(day), date=day,
    )  # fmt: skip


def news_doc(n: Any) -> SearchDocument | None:
    if n.state != "published":
        return None
    day = _day(n.published_at or n.created_at)
    return SearchDocument(
        key=f"news:{n.id}", type="news", ext_id=n.external_id, title=n.title,
        body=f"{n.summary}\n{n.body}", language=n.language, year=_year(day), date=day,
    )  # fmt: skip


def thread_doc(t: Any, bodies: list[str]) -> SearchDocument:
    day = _day(t.last_post_at)
    return SearchDocument(
        key=f"thread:{t.id}", type="thread", ext_id=t.external_id, title=t.title,
        body="\n".join(bodies)[:THREAD_POSTS_CHARS], language=t.language, year=_year(day), date=day,
        audience=group_audience(t.group), group_id=str(t.group_id),
    )  # fmt: skip


def post_doc(post: Any) -> SearchDocument | None:
    if post.state not in INDEXED_POST_STATES:
        return None
    t = post.thread
    day = _day(post.created_at)
    return SearchDocument(
        key=f"post:{post.id}", type="post", ext_id=f"{t.external_id}#{post.id}", title=t.title,
        body=post.body, language=reply_language(post.body, t.language), year=_year(day), date=day,
        audience=group_audience(t.group), group_id=str(t.group_id),
    )  # fmt: skip


# -- loading by key -------------------------------------------------------------------------


@cache
def models() -> dict[str, Any]:
    """Index type -> model, built once: the drain looks a kind up for every key."""
    from covenant_hub.events.models import Event, NewsItem
    from covenant_hub.forum.models import Post, Thread
    from covenant_hub.library.models import Practice
    from covenant_hub.orgs.models import Organisation

    return {"practice": Practice, "organisation": Organisation, "event": Event, "news": NewsItem,
            "thread": Thread, "post": Post}  # fmt: skip


def _thread_bodies(thread_ids: Iterable[int]) -> dict[int, list[str]]:
    from covenant_hub.forum.models import Post

    ids = list(thread_ids)
    bodies: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return bodies
    rows = db.session.execute(
        select(Post.thread_id, Post.body)
        .where(Post.thread_id.in_(ids), Post.state.in_(INDEXED_POST_STATES))
        .order_by(Post.thread_id, Post.created_at, Post.id)
    )
    for thread_id, body in rows:
        bodies[thread_id].append(body)
    return bodies


def load(kind: str, ids: list[int]) -> list[Any]:
    from covenant_hub.forum.models import Post, Thread

    model = models()[kind]
    stmt = select(model).where(model.id.in_(ids))
    if model is Post:
        stmt = stmt.options(joinedload(Post.thread).joinedload(Thread.group))
    elif model is Thread:
        stmt = stmt.options(joinedload(Thread.group))
    elif kind == "practice":
        stmt = stmt.options(joinedload(model.owner))
    return list(db.session.scalars(stmt).unique())


def build(kind: str, rows: list[Any]) -> Iterator[SearchDocument]:
    """Documents for rows of one type (None-documents are skipped: those keys go)."""
    if kind == "thread":
        bodies = _thread_bodies(r.id for r in rows)
        docs: Iterable[SearchDocument | None] = (thread_doc(t, bodies.get(t.id, [])) for t in rows)
    else:
        maker = {"practice": practice_doc, "organisation": organisation_doc, "event": event_doc,
                 "news": news_doc, "post": post_doc}[kind]  # fmt: skip
        docs = (maker(r) for r in rows)
    return (d for d in docs if d is not None)


def documents_for(keys: Iterable[str]) -> dict[str, SearchDocument]:
    """The current document of each plain key that still has one (missing keys: remove them)."""
    ids: dict[str, list[int]] = defaultdict(list)
    for key in keys:
        kind, _, raw = key.partition(":")
        if kind in models() and raw.isdigit():
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
    from covenant_hub.forum.models import Post, Thread

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
    for kind, model in models().items():
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


def all_keys() -> set[str]:
    """The key of every record that should be in the index (what `search check` compares)."""
    return {doc.key for doc in all_documents()}


def count_records() -> int:
    """Rows a rebuild will read: the length of its progress bar."""
    from sqlalchemy import func

    return sum(db.session.scalar(select(func.count()).select_from(m)) or 0 for m in models().values())
