"""The one table of searchable types: for each, its model, the outbox keys a change to one of its
rows touches, how its rows become SearchDocuments (with the visibility each carries), how they are
loaded, and the columns the database fallback searches.

Keys are ``<type>:<database id>``; two expansion keys stand for many documents and are
resolved by the indexer (documents.expand): ``group:<id>`` (every thread and post of a group,
when its visibility or title changes) and ``thread-posts:<id>`` (the posts of a renamed or moved
thread). A group has no document of its own: its row in the table only says what its changes touch.

Audiences: ``public``; ``group:<id>`` for members-only groups; ``org:<id>`` and ``user:<id>``
for a practice's drafts (its organisation's members and its author); ``staff`` for staff and
admins, who may read every group and every draft. A record nobody may find through search
(hidden or deleted posts, unpublished events and news) has no document: its key is removed.

Search sits above the content domains (tests/test_layers.py): this table names their models,
and they know nothing of search. To make a new type searchable, add its row here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload

from covenant_hub.events.models import Event, NewsItem
from covenant_hub.extensions import db
from covenant_hub.forum.models import Group, Post, Thread
from covenant_hub.language.detection import reply_language
from covenant_hub.library.models import Practice
from covenant_hub.orgs.models import Organisation
from covenant_hub.search.engine.schema import SearchDocument

KeysFor = Callable[[Any, str], Iterable[str]]  # (object, "new" | "dirty" | "deleted") -> keys
Build = Callable[[list[Any]], Iterable[SearchDocument | None]]  # loaded rows -> their documents


@dataclass(frozen=True)
class Source:
    """One searchable type of record."""

    type: str  # the key prefix and the document's `type`
    model: Any  # the ORM class (typed Any: its columns are read by name)
    keys_for: KeysFor
    build: Build | None = None  # None: the type has no document of its own (a group)
    eager: Callable[[], tuple[Any, ...]] = tuple  # loader options for `build`'s relationships
    columns: tuple[str, ...] = ()  # the text columns the database fallback searches


# -- documents ---------------------------------------------------------------------------------

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


def organisation_doc(o: Any) -> SearchDocument | None:
    if getattr(o, "review_state", "approved") != "approved":
        return None  # pending or refused: only its creator and staff may see it
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


# -- what a change touches --------------------------------------------------------------------


def _changed(obj: Any, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _own_key(prefix: str) -> KeysFor:
    """For records whose change touches only their own document."""
    return lambda obj, _how: [f"{prefix}:{obj.id}"]


def _group_keys(obj: Any, how: str) -> list[str]:
    if how == "dirty" and _changed(obj, "visibility", "title"):
        return [f"group:{obj.id}"]
    return []


def _thread_keys(obj: Any, how: str) -> list[str]:
    keys = [f"thread:{obj.id}"]
    if how == "dirty" and _changed(obj, "title", "group_id", "language"):
        keys.append(f"thread-posts:{obj.id}")
    return keys


def _post_keys(obj: Any, how: str) -> list[str]:
    keys = [f"post:{obj.id}", f"thread:{obj.thread_id}"]
    if how == "dirty":
        keys += [f"thread:{old}" for old in inspect(obj).attrs["thread_id"].history.deleted if old]
    return keys


# -- the table ----------------------------------------------------------------------------------


def _each(maker: Callable[[Any], SearchDocument | None]) -> Build:
    return lambda rows: (maker(row) for row in rows)


def _threads(rows: list[Any]) -> Iterable[SearchDocument]:
    bodies = _thread_bodies(row.id for row in rows)
    return (thread_doc(thread, bodies.get(thread.id, [])) for thread in rows)


def _thread_bodies(thread_ids: Iterable[int]) -> dict[int, list[str]]:
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


@cache
def sources() -> dict[str, Source]:
    """Every searchable type by its name, in the order a rebuild reads them."""
    table = (
        Source("practice", Practice, _own_key("practice"), _each(practice_doc),
               lambda: (joinedload(Practice.owner),), ("title", "summary", "body")),
        Source("organisation", Organisation, _own_key("organisation"), _each(organisation_doc),
               columns=("name", "description", "needs", "offers")),
        Source("event", Event, _own_key("event"), _each(event_doc), columns=("title", "description")),
        Source("news", NewsItem, _own_key("news"), _each(news_doc), columns=("title", "summary", "body")),
        Source("thread", Thread, _thread_keys, _threads, lambda: (joinedload(Thread.group),), ("title",)),
        Source("post", Post, _post_keys, _each(post_doc),
               lambda: (joinedload(Post.thread).joinedload(Thread.group),), ("body",)),
        Source("group", Group, _group_keys),
    )  # fmt: skip
    return {source.type: source for source in table}


def indexed() -> dict[str, Source]:
    """The types that have documents (every one but groups)."""
    return {name: source for name, source in sources().items() if source.build is not None}


@cache
def by_model() -> dict[type, Source]:
    """The source of each model: what the change capture looks up for every flushed object."""
    return {source.model: source for source in sources().values()}
