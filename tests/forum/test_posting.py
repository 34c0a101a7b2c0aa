"""Writing: mentions and who is notified at each watching level, e-mail in the recipient's
language, drafts, edit history and the abuse limits for new accounts."""

from __future__ import annotations

import email
from email import policy

import pytest
from sqlalchemy import func, select

from covenant_hub.accounts.notifications import Notification
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum import services, watching
from covenant_hub.forum.errors import ForumError
from covenant_hub.forum.mentions import mentioned_names
from covenant_hub.forum.models import Draft, Post, PostRevision, Thread
from covenant_hub.forum.queries import postable_groups
from tests.factories import make_thread, make_user
from tests.sessions import login


def _notes(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_mention_syntax() -> None:
    text = "Hi @[Айгүл Асанова] and @Bakyt_Member, mail me at a@b.kg\n> @[Quoted Person] said"
    assert mentioned_names(text) == ["Айгүл Асанова", "Bakyt Member"]


def test_mentions_notify_in_the_recipients_language(app, world, outbox) -> None:
    kyrgyz = make_user(name="Айгүл Асанова", language="ky")
    make_user(name="Someone Else")
    thread = make_thread(world.public, world.users["author"])
    services.reply(world.users["member"], thread, "@[Айгүл Асанова] сиз кандай ойлойсуз?")
    notes = _notes(kyrgyz)
    assert [n.kind for n in notes] == ["mention"]
    message = email.message_from_bytes(sorted(outbox.glob("*.eml"))[-1].read_bytes(), policy=policy.default)
    assert message["Content-Language"] == "ky"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"/forum/t/{thread.id}#post-" in body


def test_an_edit_tells_only_the_people_it_names_for_the_first_time(world) -> None:
    first, second = make_user(name="First Named"), make_user(name="Second Named")
    thread = make_thread(world.public, world.users["author"])
    post = services.reply(world.users["member"], thread, "Ask @[First Named]")
    assert len(_notes(first)) == 1
    services.edit_post(world.users["member"], post, "Ask @[First Named] and @[Second Named]")
    assert [n.kind for n in _notes(second)] == ["mention"]
    assert len(_notes(first)) == 1, "an edit does not repeat a mention already made"
    services.edit_post(world.users["member"], post, "Ask @[Second Named] only, edited again")
    assert len(_notes(second)) == 1
    services.edit_post(world.users["member"], post, "Ask nobody")
    services.edit_post(world.users["member"], post, "Ask @[First Named] and @[Second Named] again")
    assert (len(_notes(first)), len(_notes(second))) == (1, 1), "removing and re-adding pings nobody"


def test_an_edit_of_a_hidden_post_tells_nobody(world) -> None:
    named = make_user(name="Hidden Named")
    thread = make_thread(world.public, world.users["author"])
    post = services.reply(world.users["member"], thread, "First version")
    post.state = "hidden"
    db.session.commit()
    services.edit_post(world.users["moderator"], post, "Now naming @[Hidden Named]")
    assert _notes(named) == []
    visible = services.reply(world.users["member"], thread, "Another first version")
    services.edit_post(world.users["moderator"], visible, "Now naming @[Hidden Named]")
    assert [n.kind for n in _notes(named)] == ["mention"]  # the same edit of a visible post does


def test_watching_levels(world) -> None:
    users = world.users
    thread = make_thread(world.public, users["author"])
    watcher, muted_author = make_user(name="Group Watcher"), users["author"]
    watching.set_level(watcher, watching.group_target(world.public.id), "watching")
    services.reply(users["member"], thread, "First reply")
    assert [n.kind for n in _notes(watcher)] == ["watching"]
    assert [n.kind for n in _notes(muted_author)] == ["reply"]  # normal: replies to own thread
    watching.set_level(muted_author, watching.thread_target(thread.id), "muted")
    watching.set_level(watcher, watching.thread_target(thread.id), "normal")  # thread wins over group
    services.reply(users["member"], thread, "Second reply @[Aigul Author]")
    assert len(_notes(muted_author)) == 1 and len(_notes(watcher)) == 1
    assert not _notes(users["member"]), "nobody is told about their own post"


def test_mentioned_outsider_of_a_closed_group_is_not_told(world, closed_thread) -> None:
    services.reply(world.users["member"], closed_thread, "@[Chynara Outsider] look")
    assert _notes(world.users["nonmember"]) == []
    public_thread = make_thread(world.public, world.users["author"])
    services.reply(world.users["member"], public_thread, "@[Chynara Outsider] look")
    assert [n.kind for n in _notes(world.users["nonmember"])] == ["mention"]  # in a public group, told


def test_badge_and_mark_read(client, world) -> None:
    thread = make_thread(world.public, world.users["author"])
    services.reply(world.users["member"], thread, "reply")
    login(client, world.users["author"])
    assert '<span class="badge"' in client.get("/forum/").text
    client.post("/account/notifications/read")
    assert (
        db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.read_at.is_(None))
        )
        == 0
    )


def test_drafts_are_saved_restored_and_dropped_on_publish(client, world) -> None:
    thread = make_thread(world.public, world.users["author"])
    login(client, world.users["member"])
    response = client.post("/forum/drafts", json={"target": f"t:{thread.id}", "body": "half a thought"})
    assert response.json["saved"] is True
    assert "half a thought" in client.get(f"/forum/t/{thread.id}").text
    client.post(f"/forum/t/{thread.id}/reply", data={"body": "the whole thought"})
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
    denied = client.post("/forum/drafts", json={"target": "t:99999", "body": "x"})
    assert denied.status_code == 403


def test_new_thread_draft_is_restored(client, world) -> None:
    login(client, world.users["member"])
    client.post("/forum/drafts", json={"target": f"g:{world.public.id}", "title": "Half title", "body": "b"})
    assert "Half title" in client.get(f"/forum/g/{world.public.id}/new").text


def test_edit_keeps_history_visible_to_author_and_moderators(client, world) -> None:
    thread = make_thread(world.public, world.users["author"])
    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).first()
    services.edit_post(world.users["author"], post, "Second version")
    assert (
        db.session.scalar(select(PostRevision.body)) == f"Post 1 of thread {thread.external_id.split('-')[1]}"
    )
    for role, status in [("author", 200), ("moderator", 200), ("member", 403)]:
        login(client, world.users[role])
        assert client.get(f"/forum/p/{post.id}/history").status_code == status, role


def test_locked_thread_refuses_replies_but_not_moderators(world) -> None:
    from covenant_hub.forum.errors import NotAllowed

    thread = make_thread(world.public, world.users["author"], is_locked=True)
    with pytest.raises(NotAllowed):
        services.reply(world.users["member"], thread, "late")
    services.reply(world.users["moderator"], thread, "closing note")


def test_new_account_link_limit(client, app, world) -> None:
    app.config["FORUM_NEW_ACCOUNT_MAX_LINKS"] = 1
    newcomer = make_user(name="New Person", created_at=utcnow())
    thread = make_thread(world.public, world.users["author"])
    login(client, newcomer)
    response = client.post(
        f"/forum/t/{thread.id}/reply",
        follow_redirects=True,
        data={"body": "see https://a.example and www.b.example"},
    )
    assert "at most 1 links" in response.text
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.author_id == newcomer.id)) == 0
    client.post(f"/forum/t/{thread.id}/reply", data={"body": "just https://a.example"})
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.author_id == newcomer.id)) == 1


def test_new_account_hourly_limit_and_old_accounts_unlimited(app, world) -> None:
    app.config["FORUM_NEW_ACCOUNT_POSTS_PER_HOUR"] = 2
    newcomer = make_user(name="New Person", created_at=utcnow())
    thread = make_thread(world.public, world.users["author"])
    services.reply(newcomer, thread, "one")
    services.reply(newcomer, thread, "two")
    with pytest.raises(ForumError, match="at most 2 posts per hour"):
        services.reply(newcomer, thread, "three")
    for number in range(4):
        services.reply(world.users["member"], thread, f"old account {number}")
    assert db.session.get(Thread, thread.id).post_count == 7


def test_joining_on_request_needs_approval(client, world, closed_thread) -> None:
    login(client, world.users["nonmember"])
    client.post(f"/forum/g/{world.closed.id}/join")
    assert client.get(f"/forum/t/{closed_thread.id}").status_code == 403
    login(client, world.users["moderator"])
    assert "Chynara Outsider" in client.get(f"/forum/g/{world.closed.id}/moderation").text
    client.post(
        f"/forum/g/{world.closed.id}/requests/{world.users['nonmember'].id}", data={"decision": "approve"}
    )
    login(client, world.users["nonmember"])
    assert client.get(f"/forum/t/{closed_thread.id}").status_code == 200


def test_open_public_group_admits_on_first_post(world) -> None:
    thread = make_thread(world.public, world.users["author"])
    services.reply(world.users["nonmember"], thread, "hello")
    from covenant_hub.forum.permissions import access_for

    assert access_for(world.users["nonmember"], world.public).member


def test_ask_form_drops_its_draft_whichever_group_is_chosen(client, world) -> None:
    from tests.factories import make_practice

    practice = make_practice(title="Biogas")
    login(client, world.users["member"])
    groups = [g.id for g in postable_groups(world.users["member"])]
    assert len(groups) >= 2
    client.post("/forum/drafts", json={"target": f"g:{groups[0]}", "title": "Draft q", "body": "draft"})
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 1  # saved, there to drop
    client.post(f"/forum/ask/{practice.id}", data={"group_id": groups[-1], "title": "Q", "body": "Body"})
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
