"""Moderation services: merge keeps time order, split, flags hide at the threshold, hide and
restore, suspensions end, and each action is in the log page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum import moderation, services
from covenant_hub.forum import permissions as perm
from covenant_hub.forum.errors import ForumError, NotAllowed
from covenant_hub.forum.models import Flag, ModerationLog, Post, Suspension, Thread
from tests.factories import make_thread
from tests.sessions import login


def _posts(thread_id: int) -> list[Post]:
    return list(db.session.scalars(select(Post).where(Post.thread_id == thread_id).order_by(Post.created_at)))


def test_merge_keeps_posts_in_time_order(world) -> None:
    first = make_thread(world.public, world.users["author"], posts=3)
    second = make_thread(world.public, world.users["member"], posts=2)
    # Interleave: second's posts happen between first's.
    for offset, post in zip((30, 90), _posts(second.id), strict=True):
        post.created_at = _posts(first.id)[0].created_at + timedelta(seconds=offset)
    db.session.commit()
    second_id = second.id
    moderation.merge_threads(world.users["moderator"], second, first, "duplicate")
    merged = _posts(first.id)
    assert len(merged) == 5 and db.session.get(Thread, first.id).post_count == 5
    assert [p.author_id for p in merged] == [
        world.users[n].id for n in ("author", "member", "author", "member", "author")
    ]
    assert db.session.get(Thread, second_id) is None
    row = db.session.scalar(select(ModerationLog).where(ModerationLog.action == "merge"))
    assert row.reason == "duplicate" and row.details["merged_thread"] == second_id


def test_split_moves_selected_posts_into_a_new_thread(world) -> None:
    thread = make_thread(world.public, world.users["author"], posts=4)
    chosen = [p.id for p in _posts(thread.id)[2:]]
    new = moderation.split_posts(world.users["moderator"], thread, chosen, "A side topic")
    assert [p.id for p in _posts(new.id)] == chosen and new.post_count == 2
    assert db.session.get(Thread, thread.id).post_count == 2
    with pytest.raises(ForumError):
        moderation.split_posts(world.users["moderator"], thread, [p.id for p in _posts(thread.id)], "All")


def test_flags_hide_a_post_at_the_threshold_until_a_moderator_decides(client, app, world) -> None:
    app.config["FORUM_FLAG_THRESHOLD"] = 2
    thread = make_thread(world.public, world.users["author"], posts=1, title="Buy cheap watches")
    post = _posts(thread.id)[0]
    login(client, world.users["other_moderator"])
    assert "Post 1 of" in client.get(f"/forum/t/{thread.id}").text  # shown until flagged enough
    assert moderation.flag_post(world.users["member"], post, "spam") is False
    with pytest.raises(ForumError):
        moderation.flag_post(world.users["member"], post, "again")  # one flag per person
    assert moderation.flag_post(world.users["nonmember"], post, "spam") is True
    login(client, world.users["other_moderator"])
    assert "Post 1 of" not in client.get(f"/forum/t/{thread.id}").text
    login(client, world.users["moderator"])
    assert "Post 1 of" in client.get("/forum/flags").text
    moderation.dismiss_flags(world.users["moderator"], post, "fine")
    assert db.session.get(Post, post.id).state == "visible"
    assert moderation.flag_queue(world.users["moderator"]) == []


def test_each_posts_report_form_has_its_own_field_and_flags_that_post(client, app, world) -> None:
    """The report form is written once per post from fields rendered once per page: each post's
    field has its own id and label, and the form as the page gives it flags that post."""
    from lxml import html

    app.config["WTF_CSRF_ENABLED"] = True
    thread = make_thread(world.public, world.users["author"], posts=3)
    second = _posts(thread.id)[1]
    login(client, world.users["member"])
    page = html.fromstring(client.get(f"/forum/t/{thread.id}").text)
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids)), "an id repeats on the thread page"
    [form] = page.xpath(f'//form[@action="/forum/p/{second.id}/flag"]')
    [field] = form.xpath('.//input[@name="reason"]')
    assert form.xpath(f'.//label[@for="{field.get("id")}"]')
    data = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@type='hidden']")}
    response = client.post(f"/forum/p/{second.id}/flag", data={**data, "reason": "spam"})
    assert response.status_code == 302
    flags = db.session.scalars(select(Flag)).all()
    assert [(f.post_id, f.reason) for f in flags] == [(second.id, "spam")]


def test_hide_needs_a_reason_and_restore_brings_it_back(client, world) -> None:
    thread = make_thread(world.public, world.users["author"], posts=2)
    post = _posts(thread.id)[1]
    with pytest.raises(ForumError):
        moderation.set_post_state(world.users["moderator"], post, "hidden", "")
    moderation.set_post_state(world.users["moderator"], post, "deleted", "Personal data")
    login(client, world.users["member"])
    page = client.get(f"/forum/t/{thread.id}").text
    assert "Deleted by a moderator: Personal data" in page and "Post 2 of" not in page
    moderation.set_post_state(world.users["moderator"], post, "visible")
    assert "Post 2 of" in client.get(f"/forum/t/{thread.id}").text


def test_suspension_ends_and_can_be_lifted(world) -> None:
    member = world.users["member"]
    row = moderation.suspend(world.users["moderator"], member, world.public, 1, "Heated")
    assert not perm.can_post_in_group(member, world.public)
    row.until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert perm.can_post_in_group(member, world.public)
    row = moderation.suspend(world.users["moderator"], member, world.public, 1, "Again")
    moderation.lift_suspension(world.users["moderator"], row)
    assert perm.can_post_in_group(member, world.public)
    assert db.session.scalar(select(Suspension).where(Suspension.id == row.id)).reason == "Again"


def test_move_needs_both_groups(world) -> None:
    from covenant_hub.forum.errors import NotAllowed

    thread = make_thread(world.public, world.users["author"])
    with pytest.raises(NotAllowed):
        moderation.move_thread(world.users["moderator"], thread, world.other)
    moderation.move_thread(world.users["staff"], thread, world.other, "belongs there")
    assert db.session.get(Thread, thread.id).group_id == world.other.id


def test_log_page_shows_who_what_why(client, world) -> None:
    thread = make_thread(world.public, world.users["author"], title="Heating tariffs")
    moderation.set_locked(world.users["moderator"], thread, True, "Resolved")
    login(client, world.users["moderator"])
    page = client.get(f"/forum/g/{world.public.id}/moderation").text
    assert "Elmira Moderator" in page and "locked" in page and "Resolved" in page
    login(client, world.users["member"])
    assert client.get(f"/forum/g/{world.public.id}/moderation").status_code == 403


def test_posting_while_suspended_site_wide_is_refused_with_a_message(client, world) -> None:
    thread = make_thread(world.public, world.users["author"])
    moderation.suspend(world.users["staff"], world.users["member"], None, 5, "Spam wave")
    login(client, world.users["member"])
    page = client.get(f"/forum/t/{thread.id}").text
    assert "You are suspended" in page
    client.post(f"/forum/t/{thread.id}/reply", data={"body": "x"})
    assert len(_posts(thread.id)) == 1
    with pytest.raises(NotAllowed):
        services.reply(world.users["member"], thread, "y")


def test_group_suspensions_are_listed_and_lifted_from_the_moderation_page(client, world) -> None:
    row = moderation.suspend(world.users["moderator"], world.users["member"], world.public, 3, "Cool down")
    login(client, world.users["moderator"])
    page = client.get(f"/forum/g/{world.public.id}/moderation").text
    assert "Bakyt Member" in page and "Cool down" in page
    response = client.post(f"/forum/suspensions/{row.id}/lift")
    assert response.headers["Location"].endswith(f"/forum/g/{world.public.id}/moderation")
    assert perm.can_post_in_group(world.users["member"], world.public)
    login(client, world.users["other_moderator"])
    assert client.post(f"/forum/suspensions/{row.id}/lift").status_code == 403


def test_cli_lists_groups_as_json(runner, world) -> None:
    import json

    result = runner.invoke(args=["forum", "groups", "--json"])
    assert result.exit_code == 0
    assert {row["title"] for row in json.loads(result.output)} == {
        "Energy forum",
        "Mayors club",
        "Other group",
    }
