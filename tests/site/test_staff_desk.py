"""The staff desk: who may open it, what each queue lists, and that its inline actions work."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from lxml import html

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum.models import Flag, Post, Suspension
from covenant_hub.programme.models import Suspension as SupporterSuspension
from covenant_hub.site import desk
from covenant_hub.site.permissions import can_view_staff_desk
from tests.factories import (
    make_group,
    make_group_member,
    make_org,
    make_practice,
    make_supporter_application,
    make_thread,
    make_user,
)
from tests.sessions import login

ROLES = ("anonymous", "member", "org_admin", "moderator", "staff", "admin")
ALLOWED = {"view_staff_desk": {"staff", "admin"}}


@pytest.fixture
def people(app):
    org = make_org(name="Karakol")
    group = make_group(title="Energy forum")
    moderator = make_user(name="Elmira Moderator")
    make_group_member(group, moderator, moderator=True)
    return {
        "anonymous": None,
        "member": make_user(org=org, name="Bakyt Member"),
        "org_admin": make_user(org=org, org_role="org_admin", name="Aigul Admin"),
        "moderator": moderator,
        "staff": make_user(role="staff", name="Farida Staff"),
        "admin": make_user(role="admin", name="Gulnara Admin"),
    }


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(people, role, action):
    assert can_view_staff_desk(people[role]) is (role in ALLOWED[action])


@pytest.mark.parametrize("role", ROLES)
def test_desk_page_for_each_role(people, client, role):
    response = login(client, people[role]).get("/staff")
    if role == "anonymous":
        assert response.status_code == 302 and "/account/login" in response.location
    else:
        assert response.status_code == (200 if role in ALLOWED["view_staff_desk"] else 403)


def _flagged_post(flagger_name: str, reason: str) -> Post:
    thread = make_thread(make_group(title="Waste forum"), title="Compost at markets")
    post = db.session.query(Post).filter_by(thread_id=thread.id).one()
    flagger = make_user(name=flagger_name)
    db.session.add(Flag(post_id=post.id, user_id=flagger.id, reason=reason))
    db.session.commit()
    return post


def _seed_queues():
    make_supporter_application(network_name="Issyk-Kul towns network")
    make_supporter_application(network_name="Live network", state="live")
    make_practice(title="Solar roofs on schools", state="submitted")
    make_practice(title="Already published", state="published")
    post = _flagged_post("Nurlan Flagger", "Advertising, not a practice")
    soon, later = make_user(name="Soon Free"), make_user(name="Long Away")
    db.session.add_all([
        Suspension(user_id=soon.id, until=utcnow() + timedelta(days=2), reason="Spam links"),
        Suspension(user_id=later.id, until=utcnow() + timedelta(days=20), reason="Insults"),
    ])  # fmt: skip
    supporter = make_org(kind="supporter", name="Suspended network", status="suspended")
    db.session.add(SupporterSuspension(org_id=supporter.id, reason="No reports for two years",
                                       suspended_on=date(2026, 1, 5)))  # fmt: skip
    closed = make_group(title="Mayors club", visibility="members", join_policy="request")
    make_group_member(closed, make_user(name="Waiting Person"), status="pending")
    db.session.commit()
    return post


def _sections(app, user) -> dict[str, desk.DeskSection]:
    with app.test_request_context("/staff"):
        return {s.key: s for s in desk.desk_sections(user)}


def test_every_queue_counts_what_waits_and_lists_it(people, app):
    _seed_queues()
    sections = _sections(app, people["staff"])
    counts = {key: section.count for key, section in sections.items()}
    assert counts == {
        "applications": 1,
        "practices": 1,
        "flags": 1,
        "group_requests": 1,
        "suspensions": 1,
        "supporters": 1,
        "organisations": 0,
        "claims": 0,
    }
    assert [item.title for item in sections["applications"].items] == ["Issyk-Kul towns network"]
    assert [item.title for item in sections["practices"].items] == ["Solar roofs on schools"]
    assert [item.title for item in sections["suspensions"].items] == ["Soon Free"]
    note = sections["flags"].items[0].notes[0]
    assert (note.who, note.text) == ("Nurlan Flagger", "Advertising, not a practice")
    assert sections["supporters"].items[0].actions == ()  # staff may not reinstate: admins do


def test_the_page_shows_who_flagged_when_and_why_with_csrf_forms(people, client, app):
    _seed_queues()
    app.config["WTF_CSRF_ENABLED"] = True
    body = login(client, people["admin"]).get("/staff").get_data(as_text=True)
    page = html.fromstring(body)
    assert "Nurlan Flagger" in body and "Advertising, not a practice" in body
    forms = page.xpath("//section[@id='desk-flags']//form")
    assert forms and all(form.xpath(".//input[@name='csrf_token']/@value") for form in forms)
    assert page.xpath("//section[@id='desk-supporters']//button[normalize-space()='Reinstate the supporter']")
    assert page.xpath("//p[@id='desk-total']")[0].text_content().strip() == "6 items are waiting."


def test_a_moderator_is_refused_the_desk_but_keeps_the_flag_queue(people, client, app):
    assert login(client, people["moderator"]).get("/staff").status_code == 403
    with app.test_request_context("/staff"):
        assert desk.forum_flags(people["moderator"], 5) is not None  # a moderator's own queue
        assert desk.forum_flags(people["member"], 5) is None


def test_the_desk_keep_action_clears_the_flag(people, client, app):
    post = _seed_queues()
    login(client, people["staff"])
    page = html.fromstring(client.get("/staff").get_data(as_text=True))
    action = page.xpath(
        "//section[@id='desk-flags']//form[.//button[normalize-space()='Keep the post']]/@action"
    )[0]
    assert client.post(action, data={}).status_code == 302
    assert db.session.get(Flag, db.session.query(Flag.id).filter_by(post_id=post.id).scalar()).resolved_at
    assert _sections(app, people["staff"])["flags"].count == 0


def test_the_desk_admit_action_admits_the_person(people, client, app):
    _seed_queues()
    login(client, people["staff"])
    page = html.fromstring(client.get("/staff").get_data(as_text=True))
    form = page.xpath("//section[@id='desk-group_requests']//form")[0]
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    client.post(form.get("action"), data=fields)
    assert _sections(app, people["staff"])["group_requests"].count == 0


def test_more_queues_plug_into_the_registry(people, client):
    def pending_things(user, limit):
        return desk.DeskSection("things", "Things to approve", 3, [desk.DeskItem("First thing", "/orgs/")])

    desk.register_section(pending_things)
    try:
        body = login(client, people["staff"]).get("/staff").get_data(as_text=True)
        assert "Things to approve" in body and "First thing" in body
    finally:
        desk._SECTIONS.remove(pending_things)


def test_an_empty_desk_says_nothing_waits(people, client):
    body = login(client, people["staff"]).get("/staff").get_data(as_text=True)
    assert "0 items are waiting." in body and "Nothing is waiting here." in body
