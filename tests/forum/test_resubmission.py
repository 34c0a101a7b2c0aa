"""A reply or a new thread sent twice (a retry after a cut connection) is posted once."""

from __future__ import annotations

from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.forum.models import Post, Thread
from tests.factories import make_thread
from tests.sessions import login
from tests.test_idempotency import form_token


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_same_reply_sent_twice_with_the_same_token_makes_one_post(client, world) -> None:
    thread = make_thread(world.public, world.users["author"])
    login(client, world.users["member"])
    token = form_token(client.get(f"/forum/t/{thread.id}").text)
    before = _count(Post)
    data = {"body": "Our LED tender took four months.", "form_token": token}
    first = client.post(f"/forum/t/{thread.id}/reply", data=data)
    again = client.post(f"/forum/t/{thread.id}/reply", data=data)
    assert _count(Post) == before + 1
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]


def test_a_new_token_posts_a_new_reply(client, world) -> None:
    thread = make_thread(world.public, world.users["author"])
    login(client, world.users["member"])
    before = _count(Post)
    for _ in range(2):
        token = form_token(client.get(f"/forum/t/{thread.id}").text)
        data = {"body": "Same words, two posts", "form_token": token}
        client.post(f"/forum/t/{thread.id}/reply", data=data)
    assert _count(Post) == before + 2


def test_the_same_new_thread_sent_twice_makes_one_thread(client, world) -> None:
    login(client, world.users["member"])
    token = form_token(client.get(f"/forum/g/{world.public.id}/new").text)
    data = {
        "title": "Heat pumps in Naryn",
        "body": "Who has installed them?",
        "group_id": world.public.id,
        "form_token": token,
    }
    first = client.post(f"/forum/g/{world.public.id}/new", data=data)
    again = client.post(f"/forum/g/{world.public.id}/new", data=data)
    assert _count(Thread) == 1
    assert first.status_code == 302 and again.headers["Location"] == first.headers["Location"]


def test_another_users_token_is_not_theirs_to_replay(client, world) -> None:
    thread = make_thread(world.public, world.users["author"])
    login(client, world.users["member"])
    token = form_token(client.get(f"/forum/t/{thread.id}").text)
    client.post(f"/forum/t/{thread.id}/reply", data={"body": "Member's reply", "form_token": token})
    login(client, world.users["moderator"])
    before = _count(Post)
    client.post(f"/forum/t/{thread.id}/reply", data={"body": "Moderator's reply", "form_token": token})
    assert _count(Post) == before + 1
