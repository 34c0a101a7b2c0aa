"""Joining and claiming organisations: requests, evidence, decisions, routing, notices in each
person's language, the audit log, and managing members with the last-admin rule."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from covenant_hub.accounts.notifications import Notification
from covenant_hub.errors import DomainError, NotAllowed
from covenant_hub.extensions import db
from covenant_hub.orgs import membership
from covenant_hub.orgs.models import Membership, OrgAuditEntry
from tests.accounts.helpers import read_mails
from tests.factories import make_link, make_org, make_user
from tests.sessions import login

PDF = b"%PDF-1.4\n%test\n"


def _kinds(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


def test_join_goes_to_the_admins_and_accepting_makes_a_member(app):
    org = make_org(name="Osh")
    admin = make_user(org=org, org_role="org_admin", language="ru")
    person = make_user(language="ky")
    request = membership.request_membership(person, org, "member", "Hello")
    assert request.routed_to == "admins"
    assert _kinds(admin) == ["org_join_asked"]
    assert _kinds(person) == ["org_join_sent"]
    membership.decide(admin, request, True, "")
    assert db.session.get(Membership, (person.id, org.id)).role == "member"
    assert "org_join_ok" in _kinds(person)
    actions = list(db.session.scalars(select(OrgAuditEntry.action).where(OrgAuditEntry.org_id == org.id)))
    assert actions == ["request_member", "accept"]


def test_mails_are_worded_in_each_recipients_language(app, app_config):
    from pathlib import Path

    org = make_org(name="Osh")
    make_user(org=org, org_role="org_admin", language="ru", email="admin@osh.kg")
    person = make_user(language="ky", name="Айгүл")
    membership.request_membership(person, org, "member", "")
    mails = {m["To"]: m for m in read_mails(Path(app_config["MAIL_OUTBOX"]))}
    assert mails["admin@osh.kg"]["Content-Language"] == "ru"
    assert mails[person.email]["Content-Language"] == "ky"
    assert "просит" in mails["admin@osh.kg"]["Subject"]


def test_a_claim_needs_evidence_and_changes_nothing_without(app):
    org = make_org(name="Osh")
    person = make_user()
    with pytest.raises(DomainError):
        membership.request_membership(person, org, "org_admin", "I run it")
    db.session.rollback()
    assert membership.pending_requests(org) == []


def test_an_address_on_the_official_domain_is_evidence(app):
    org = make_org(name="Osh", website="https://www.oshcity.kg/")
    person = make_user(email="mayor@oshcity.kg")
    request = membership.request_membership(person, org, "org_admin", "")
    assert request.evidence == "email_domain"


def test_an_unconfirmed_address_is_no_evidence(app):
    org = make_org(name="Osh", email_domain="oshcity.kg")
    person = make_user(email="mayor@oshcity.kg", confirmed=False)
    with pytest.raises(DomainError):
        membership.request_membership(person, org, "org_admin", "")


def test_a_document_is_evidence_and_only_known_types_are_kept(app):
    org = make_org(name="Osh")
    person = make_user()
    with pytest.raises(DomainError):
        membership.request_membership(person, org, "org_admin", "", ("x.html", io.BytesIO(b"<script>")))
    db.session.rollback()
    request = membership.request_membership(person, org, "org_admin", "", ("decision.pdf", io.BytesIO(PDF)))
    assert request.evidence == "document"
    stored = membership.open_evidence(request)
    with stored.stream as stream:
        assert stream.read() == PDF


def test_a_request_to_an_organisation_nobody_runs_goes_to_its_supporter(app):
    org, supporter = make_org(name="Talas"), make_org(name="Network", kind="supporter")
    make_link(org, supporter, "supported_by")
    steward = make_user(org=supporter, org_role="org_admin")
    staff = make_user(role="staff")
    request = membership.request_membership(make_user(), org, "org_admin", "", ("d.pdf", io.BytesIO(PDF)))
    assert request.routed_to == "stewards"
    assert _kinds(steward) == ["org_claim_asked"] and _kinds(staff) == []
    membership.decide(steward, request, True, "")
    assert db.session.get(Membership, (request.user_id, org.id)).role == "org_admin"


def test_without_admin_or_supporter_staff_decide(app):
    org = make_org(name="Naryn")
    staff = make_user(role="staff")
    person = make_user()
    request = membership.request_membership(person, org, "member", "")
    assert request.routed_to == "staff" and _kinds(staff) == ["org_join_asked"]
    assert membership.pending_claim_count() == 1
    membership.decide(staff, request, False, "Not a city employee")
    assert request.state == "refused" and request.reason == "Not a city employee"
    assert "org_join_no" in _kinds(person)
    assert membership.pending_claim_count() == 0


def test_another_organisations_admin_cannot_decide(app):
    org, other = make_org(), make_org()
    make_user(org=org, org_role="org_admin")
    outsider = make_user(org=other, org_role="org_admin")
    request = membership.request_membership(make_user(), org, "member", "")
    with pytest.raises(NotAllowed):
        membership.decide(outsider, request, True, "")
    db.session.rollback()
    assert request.state == "pending"


def test_asking_twice_is_refused(app):
    org = make_org()
    person = make_user()
    membership.request_membership(person, org, "member", "")
    with pytest.raises(DomainError):
        membership.request_membership(person, org, "member", "")


def test_the_last_admin_cannot_leave_or_step_down(app):
    org = make_org()
    admin = make_user(org=org, org_role="org_admin")
    member = make_user(org=org, org_role="member")
    with pytest.raises(DomainError):
        membership.remove_member(admin, org, admin.id)
    db.session.rollback()
    with pytest.raises(DomainError):
        membership.set_role(admin, org, admin.id, "member")
    db.session.rollback()
    membership.set_role(admin, org, member.id, "org_admin")
    membership.remove_member(admin, org, admin.id)
    assert db.session.get(Membership, (admin.id, org.id)) is None
    assert db.session.get(Membership, (member.id, org.id)).role == "org_admin"


def test_a_member_cannot_remove_others(app):
    org = make_org()
    make_user(org=org, org_role="org_admin")
    member, other = make_user(org=org), make_user(org=org)
    with pytest.raises(NotAllowed):
        membership.remove_member(member, org, other.id)


def test_join_page_says_who_answers_before_sending(client, app):
    org, supporter = make_org(name="Talas"), make_org(name="Network Z", kind="supporter")
    make_link(org, supporter, "supported_by")
    make_user(org=supporter, org_role="org_admin")
    login(client, make_user())
    page = client.get(f"/orgs/{org.external_id}/join").get_data(as_text=True)
    assert "no active administrator" in page and "Network Z" in page


def test_join_over_http_then_accept(client, app):
    org = make_org(name="Osh")
    admin = make_user(org=org, org_role="org_admin")
    person = make_user()
    login(client, person)
    response = client.post(f"/orgs/{org.external_id}/join", data={"role": "member", "message": "Hi"})
    assert response.status_code == 302
    (request,) = membership.pending_requests(org)
    login(client, admin)
    response = client.post(f"/orgs/requests/{request.id}/decide", data={"decision": "accept"})
    assert response.status_code == 302
    assert db.session.get(Membership, (person.id, org.id)) is not None


def test_switcher_acts_only_for_own_organisations(client, app):
    a, b, c = make_org(name="Alpha"), make_org(name="Beta"), make_org(name="Gamma")
    person = make_user(org=a)
    db.session.add(Membership(user_id=person.id, org_id=b.id, role="member"))
    db.session.commit()
    login(client, person)
    client.post("/orgs/acting", data={"org_id": str(b.id), "next": "/"})
    with client.session_transaction() as session:
        assert session["acting_org"] == b.id
    client.post("/orgs/acting", data={"org_id": str(c.id), "next": "/"})
    with client.session_transaction() as session:
        assert session["acting_org"] == b.id
    assert "Acting for" in client.get("/").get_data(as_text=True)


def test_acting_org_falls_back_when_the_membership_is_gone(client, app):
    from covenant_hub.orgs.acting import acting_org

    a, b = make_org(name="Alpha"), make_org(name="Beta")
    person = make_user(org=a, org_role="org_admin")
    db.session.add(Membership(user_id=person.id, org_id=b.id, role="member"))
    db.session.commit()
    with app.test_request_context():
        from flask import session

        session["acting_org"] = b.id
        assert acting_org(person).id == b.id
        db.session.delete(db.session.get(Membership, (person.id, b.id)))
        db.session.commit()
        db.session.refresh(person)
        assert acting_org(person).id == a.id
