"""Posts are attributed to the organisation the author acts for (orgs.acting), and "ask the
owner" about a practice of an organisation nobody runs reaches its supporter's admin."""

from __future__ import annotations

from sqlalchemy import select

from covenant_hub.accounts.notifications import Notification
from covenant_hub.extensions import db
from covenant_hub.forum import services
from covenant_hub.orgs.models import Membership
from tests.factories import (
    make_group,
    make_group_member,
    make_link,
    make_org,
    make_practice,
    make_thread,
    make_user,
)
from tests.sessions import login


def test_a_reply_carries_the_acting_organisation(app):
    first, second = make_org(name="Alpha"), make_org(name="Beta")
    person = make_user(org=first, org_role="org_admin")
    db.session.add(Membership(user_id=person.id, org_id=second.id, role="member"))
    db.session.commit()
    group = make_group()
    make_group_member(group, person)
    thread = make_thread(group, author=person)
    with app.test_request_context():
        from flask import session

        post = services.reply(person, thread, "Default organisation")
        assert post.author_org_id == first.id
        session["acting_org"] = second.id
        post = services.reply(person, thread, "Chosen organisation")
        assert post.author_org_id == second.id


def test_ask_the_owner_reaches_the_supporter_of_an_unrun_organisation(app, client):
    city, network = make_org(name="Talas"), make_org(name="Network", kind="supporter")
    make_link(city, network, "supported_by")
    steward = make_user(org=network, org_role="org_admin")
    practice = make_practice(city, title="Solar school roofs")
    asker = make_user()
    group = make_group()
    make_group_member(group, asker)
    login(client, asker)
    page = client.get(f"/forum/ask/{practice.id}").get_data(as_text=True)
    assert "no active administrator" in page and "Network" in page
    response = client.post(
        f"/forum/ask/{practice.id}",
        data={"group_id": str(group.id), "title": "About the roofs", "body": "How much did it cost?"},
    )
    assert response.status_code == 302
    kinds = list(db.session.scalars(select(Notification.kind).where(Notification.user_id == steward.id)))
    assert kinds == ["org_asked"]
