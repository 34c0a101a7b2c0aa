"""The thread page asks the database the same number of questions for 10 posts as for 100."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from covenant_hub.extensions import db
from covenant_hub.forum import moderation
from tests.factories import make_thread, make_user
from tests.sessions import login


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def _count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", _count)


def _queries_for(client, thread_id: int) -> int:
    client.get(f"/forum/t/{thread_id}")  # warm caches (babel, templates) outside the count
    db.session.expire_all()
    with counting_queries() as statements:
        response = client.get(f"/forum/t/{thread_id}")
    assert response.status_code == 200
    return len(statements)


def _posts_by_many_authors(thread, authors: list) -> None:
    from sqlalchemy import select

    from covenant_hub.forum.models import Post

    posts = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).all()
    for number, post in enumerate(posts):
        post.author_id = authors[number % len(authors)].id
    db.session.commit()


def test_thread_page_query_count_does_not_grow_with_posts(app, client, world) -> None:
    app.config["FORUM_POSTS_PER_PAGE"] = 500  # the whole thread on one page
    authors = [make_user(name=f"Writer {n}") for n in range(12)]
    small = make_thread(world.public, world.users["author"], posts=10)
    large = make_thread(world.public, world.users["author"], posts=100)
    _posts_by_many_authors(small, authors)
    _posts_by_many_authors(large, authors)
    for thread in (small, large):
        moderation.flag_post(world.users["member"], _first_post(thread), "check")
    for role in ("member", "moderator", None):
        login(client, world.users.get(role) if role else None)
        assert _queries_for(client, small.id) == _queries_for(client, large.id), role


def _first_post(thread):
    from sqlalchemy import select

    from covenant_hub.forum.models import Post

    return db.session.scalars(
        select(Post).where(Post.thread_id == thread.id).order_by(Post.id.desc())
    ).first()


def test_counter_sees_queries(client, world) -> None:
    """The listener really counts (so the equality above cannot pass by counting nothing)."""
    thread = make_thread(world.public, world.users["author"], posts=3)
    assert _queries_for(client, thread.id) > 2
