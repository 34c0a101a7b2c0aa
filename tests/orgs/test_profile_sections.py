"""A profile worth visiting: its practices, threads, events, outcomes, source, and a contact form
that reaches its admins (or staff) without showing an address."""

from __future__ import annotations

from email import message_from_bytes

import pytest
from lxml import html
from sqlalchemy import select

from covenant_hub.accounts.notifications import Notification
from covenant_hub.extensions import db
from covenant_hub.orgs.permissions import can_contact_org
from tests.factories import (
    make_event,
    make_group,
    make_group_member,
    make_org,
    make_practice,
    make_thread,
    make_user,
)
from tests.sessions import login


def page(client, org, language="en"):
    response = client.get(f"/orgs/{org.external_id}", headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(body: str, element_id: str) -> str:
    found = html.fromstring(body).xpath(f"//*[@id='{element_id}']")
    return " ".join(found[0].text_content().split()) if found else ""


def test_practices_once_each_in_the_readers_language(app, client):
    org = make_org(name="Karakol")
    make_practice(org, external_id="s-ky", title="Күн панелдери", language="ky", translation_group="s-ky")
    make_practice(org, external_id="s-ru", title="Солнечные панели", language="ru", translation_group="s-ky")
    make_practice(org, title="Draft", state="draft")
    shown = section(page(client, org, "ru"), "profile-practices")
    assert "Солнечные панели" in shown and "Күн панелдери" not in shown and "Draft" not in shown


def test_threads_the_organisation_takes_part_in_for_those_who_may_read_them(app, client):
    org = make_org(name="Karakol")
    person = make_user(org=org)
    open_group, closed = make_group(title="Energy"), make_group(title="Club", visibility="members")
    make_thread(open_group, person, title="Our boiler room")
    make_thread(closed, person, title="Private budget")
    make_thread(open_group, make_user(), title="Someone else's thread")
    about = make_practice(org, title="Insulation")
    make_thread(open_group, make_user(), title="Questions on insulation", practice_id=about.id)
    shown = section(page(client, org), "profile-threads")
    assert "Our boiler room" in shown and "Questions on insulation" in shown
    assert "Private budget" not in shown and "Someone else" not in shown
    make_group_member(closed, person)
    assert "Private budget" in section(page(login(client, person), org), "profile-threads")


def test_next_events_of_any_organisation(app, client):
    town = make_org(name="Naryn")
    make_event(town, title="Energy day in Naryn")
    assert "Energy day in Naryn" in section(page(client, town), "profile-events")
    assert section(page(client, make_org()), "profile-events") == ""  # nothing to show: no heading


def test_outcomes_that_replicated_a_practice_are_public(app, client):
    from covenant_hub.matching.models import ExchangeOutcome, Invitation, MatchRequest

    town, partner = make_org(name="Naryn"), make_org(name="Karakol")
    practice = make_practice(partner, title="Heat pumps in schools")
    request = MatchRequest(org_id=town.id, text="Heating schools")
    db.session.add(request)
    db.session.flush()
    invitation = Invitation(request_id=request.id, invitee_id=partner.id, state="accepted")
    db.session.add(invitation)
    db.session.flush()
    db.session.add(
        ExchangeOutcome(
            invitation_id=invitation.id, org_id=town.id, learned="Private notes", practice_id=practice.id
        )
    )
    db.session.commit()
    body = page(client, town)
    assert "Heat pumps in schools" in body and "Karakol" in body and "Private notes" not in body
    assert "Heat pumps in schools" in page(client, partner)


@pytest.mark.parametrize(
    ("external_id", "sample", "wording"),
    [
        ("gcom-kg0099", False, "Global Covenant of Mayors dataset"),
        ("hub-1a2b3c", False, "registered on Covenant Hub by the organisation itself"),
        ("sample-town", True, "sample content written to demonstrate"),
        ("partner-file", False, "imported from a data file"),
    ],
)
def test_the_source_and_date_of_the_record(app, client, external_id, sample, wording):
    org = make_org(external_id=external_id, is_sample=sample, lat=42.1234, lon=74.5678)
    body = page(client, org)
    assert wording in section(body, "data-source")
    assert "42.1234" not in body and "74.5678" not in body
    assert "Identifier" not in body


ROLES = ("anonymous", "member", "org_admin", "other_admin", "staff", "admin")
ALLOWED = {"contact_org": {"member", "org_admin", "other_admin", "staff", "admin"}}


@pytest.fixture
def world(app):
    org = make_org(name="Osh")
    people = {
        "anonymous": None,
        "member": make_user(org=org, name="Member"),
        "org_admin": make_user(org=org, org_role="org_admin", name="Osh Admin", language="ky"),
        "other_admin": make_user(org=make_org(), org_role="org_admin", name="Aigul Writer"),
        "staff": make_user(role="staff", name="Staff Person"),
        "admin": make_user(role="admin", name="Admin Person"),
    }
    return org, people


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, action):
    org, people = world
    assert can_contact_org(people[role], org) is (role in ALLOWED[action])


@pytest.mark.parametrize("role", ROLES)
def test_contact_over_http_for_each_role(world, client, outbox, role):
    org, people = world
    login(client, people[role])
    response = client.post(
        f"/orgs/{org.external_id}/contact", data={"subject": "Hello", "message": "Can we visit?"}
    )
    assert response.status_code == 302
    sent = db.session.scalars(select(Notification).where(Notification.kind == "org_contact")).all()
    assert bool(sent) is (role in ALLOWED["contact_org"])
    if role == "anonymous":
        assert "/account/login" in response.location


def _mails(outbox):
    return [message_from_bytes(path.read_bytes()) for path in sorted(outbox.glob("*.eml"))]


def test_the_message_reaches_the_admins_in_their_language_without_showing_an_address(world, client, outbox):
    org, people = world
    form = page(login(client, people["other_admin"]), org)
    assert people["org_admin"].email not in form and "Nobody runs this profile" not in form
    client.post(
        f"/orgs/{org.external_id}/contact", data={"subject": "Waste sorting", "message": "Can we visit?"}
    )
    notices = db.session.scalars(select(Notification).where(Notification.kind == "org_contact")).all()
    assert [n.user_id for n in notices] == [people["org_admin"].id]
    [mail] = _mails(outbox)
    assert mail["To"] == people["org_admin"].email and mail["Reply-To"] == people["other_admin"].email
    assert mail["Content-Language"] == "ky" and "Can we visit?" in mail.get_payload(decode=True).decode()


def test_without_admins_the_page_says_so_and_staff_get_it(app, client, outbox):
    org = make_org(name="Talas")
    staff, admin = make_user(role="staff"), make_user(role="admin")
    writer = make_user(name="Writer")
    body = page(login(client, writer), org)
    assert "Nobody runs this profile on Covenant Hub yet" in section(body, "contact")
    answer = client.post(
        f"/orgs/{org.external_id}/contact",
        data={"subject": "Hi", "message": "Who runs Talas?"},
        follow_redirects=True,
    )
    assert "sent to the staff" in answer.get_data(as_text=True)
    notices = db.session.scalars(select(Notification).where(Notification.kind == "org_contact")).all()
    assert sorted(n.user_id for n in notices) == sorted([staff.id, admin.id])
    assert all("no administrator" in m.get_payload(decode=True).decode() for m in _mails(outbox))


@pytest.mark.parametrize(
    "data",
    [
        {"subject": "", "message": "Text"},
        {"subject": "Hi", "message": " "},
        {"subject": "Hi", "message": "x" * 4001},
    ],
)
def test_bad_input_sends_nothing_and_says_why(world, client, outbox, data):
    org, people = world
    answer = login(client, people["member"]).post(
        f"/orgs/{org.external_id}/contact", data=data, follow_redirects=True
    )
    assert "Write a subject and a message" in answer.get_data(as_text=True)
    assert not db.session.scalars(select(Notification)).all() and not list(outbox.glob("*.eml"))


def test_a_post_without_the_csrf_token_is_refused(world, client, app, outbox):
    org, people = world
    app.config["WTF_CSRF_ENABLED"] = True
    answer = login(client, people["member"]).post(
        f"/orgs/{org.external_id}/contact", data={"subject": "Hi", "message": "Text"}
    )
    assert answer.status_code == 400 and not list(outbox.glob("*.eml"))


def test_a_sender_is_rate_limited(app_config, outbox):
    from covenant_hub import create_app

    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_CONTACT": "2 per hour"})
    with app.app_context():
        org = make_org(name="Osh")
        make_user(org=org, org_role="org_admin")
        writer = make_user()
        client = login(app.test_client(), writer)
        for number in range(3):
            answer = client.post(
                f"/orgs/{org.external_id}/contact",
                data={"subject": f"Try {number}", "message": "M"},
                follow_redirects=True,
            )
        assert "please wait an hour" in answer.get_data(as_text=True)
        assert len(db.session.scalars(select(Notification)).all()) == 2
        db.session.remove()
