"""Read-only queries behind the forum pages, the API and the practice page.

The thread page loads its posts with their authors in one query and the open-flag counts in
one more, so its number of queries does not depend on the number of posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum import permissions as perm
from covenant_hub.forum.models import Flag, Group, GroupMember, Post, Suspension, Thread


@dataclass(frozen=True)
class ThreadLink:
    """What another domain's page needs to list a thread."""

    id: int
    title: str
    url: str
    post_count: int
    group_title: str
    language: str = ""  # the thread's own language, for the link's lang attribute


def visible_groups(user: Actor) -> list[Group]:
    return list(
        db.session.scalars(
            select(Group).where(perm.visible_group_filter(user)).order_by(Group.kind, Group.title)
        )
    )


def all_groups_with_counts() -> list[tuple[Group, int]]:
    """Every group (members-only ones are listed so people can ask to join) with thread counts."""
    counts = select(Thread.group_id, func.count(Thread.id).label("n")).group_by(Thread.group_id).subquery()
    query = (
        select(Group, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.group_id == Group.id)
        .order_by(Group.kind, Group.title)
    )
    return [(group, int(n)) for group, n in db.session.execute(query).all()]


def group_threads(group: Group, page: int, per_page: int) -> Any:
    """Pinned first, then by latest activity."""
    query = (
        select(Thread)
        .where(Thread.group_id == group.id)
        .options(joinedload(Thread.author))
        .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def thread_posts(thread: Thread, page: int, per_page: int) -> Any:
    query = (
        select(Post)
        .where(Post.thread_id == thread.id)
        .options(joinedload(Post.author), joinedload(Post.author_org))
        .order_by(Post.created_at, Post.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def open_flag_counts(post_ids: list[int]) -> dict[int, int]:
    if not post_ids:
        return {}
    rows = db.session.execute(
        select(Flag.post_id, func.count())
        .where(Flag.post_id.in_(post_ids), Flag.resolved_at.is_(None))
        .group_by(Flag.post_id)
    ).all()
    return {post_id: int(count) for post_id, count in rows}


def pending_requests(group: Group) -> list[GroupMember]:
    return list(
        db.session.scalars(
            select(GroupMember)
            .options(joinedload(GroupMember.user))
            .where(GroupMember.group_id == group.id, GroupMember.status == "pending")
            .order_by(GroupMember.created_at)
        )
    )


def threads_about_practice(user: Actor, practice_id: int) -> list[ThreadLink]:
    """Threads on a practice in groups the user may read, latest activity first."""
    query = (
        select(Thread, Group.title)
        .join(Group, Group.id == Thread.group_id)
        .where(Thread.practice_id == practice_id, perm.visible_group_filter(user))
        .order_by(Thread.last_post_at.desc())
        .limit(50)
    )
    return [
        ThreadLink(
            id=t.id,
            title=t.title,
            url=url_for("forum.show_thread", thread_id=t.id),
            post_count=t.post_count,
            group_title=title,
        )
        for t, title in db.session.execute(query).all()
    ]


def active_threads_of_org(user: Actor, org_id: int, limit: int = 5) -> list[ThreadLink]:
    """Threads the organisation takes part in (its people's or its imported posts, or about its
    practices) in groups this user may read, latest activity first: for its profile."""
    from covenant_hub.library.models import Practice
    from covenant_hub.orgs.models import Membership

    people = select(Membership.user_id).where(Membership.org_id == org_id)
    posted = select(Post.thread_id).where(
        Post.state == "visible", (Post.author_org_id == org_id) | Post.author_id.in_(people)
    )
    practices = select(Practice.id).where(Practice.org_id == org_id)
    query = (
        select(Thread, Group.title)
        .join(Group, Group.id == Thread.group_id)
        .where(
            perm.visible_group_filter(user),
            Thread.id.in_(posted) | Thread.practice_id.in_(practices),
        )
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(limit)
    )
    return [
        ThreadLink(
            t.id, t.title, url_for("forum.show_thread", thread_id=t.id), t.post_count, title, t.language
        )
        for t, title in db.session.execute(query).all()
    ]


def postable_groups(user: Actor) -> list[Group]:
    """Groups where the user may open a thread (for "ask the owner")."""
    return [g for g in visible_groups(user) if perm.can_post_in_group(user, g)]


def recent_posts(group: Group, limit: int = 30) -> list[Post]:
    """Latest visible posts of a group, for its feeds."""
    query = (
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .options(joinedload(Post.author), joinedload(Post.thread))
        .where(Thread.group_id == group.id, Post.state == "visible")
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def active_suspensions(group: Group) -> list[Suspension]:
    """Suspensions in force in one group, ending soonest first."""
    query = (
        select(Suspension)
        .options(joinedload(Suspension.user))
        .where(Suspension.group_id == group.id, Suspension.until > utcnow())
        .order_by(Suspension.until)
    )
    return list(db.session.scalars(query))


def starter_names(threads: list[Thread]) -> dict[int, str]:
    """Who started each thread, as its first post shows it: imported threads have no author
    account, only the name on their posts, and an empty "Started by" cell looked broken."""
    missing = [t.id for t in threads if t.author is None]
    if not missing:
        return {}
    first = (
        select(Post.thread_id, func.min(Post.id).label("post_id"))
        .where(Post.thread_id.in_(missing)).group_by(Post.thread_id).subquery()
    )  # fmt: skip
    query = select(Post).join(first, Post.id == first.c.post_id).options(joinedload(Post.author))
    posts = db.session.scalars(query)
    return {post.thread_id: post.display_name for post in posts}
