"""Registration: confirmation by mail before the first login, and bad input that changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from covenant_hub.accounts.models import User
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Membership, Organisation
from tests.accounts.helpers import is_logged_in, link_in, read_mails, register_form, submit_login, text_of
from tests.factories import make_user


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_confirm_by_mail_then_log_in(client, outbox):
    response = client.post("/account/register", data=register_form(email="Aigerim@Example.KG"))
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.email == "aigerim@example.kg" and user.language == "ky"
    assert not user.is_confirmed and user.role == "member"

    refused = submit_login(client, "aigerim@example.kg", "steppe-walnut-2030", follow_redirects=True)
    assert b"confirm your e-mail address first" in refused.data
    assert not is_logged_in(client)

    (mail,) = read_mails(outbox)
    assert mail["To"] == "aigerim@example.kg"
    link = link_in(mail)
    page = client.get(link)
    assert page.status_code == 200 and b"aigerim@example.kg" in page.data
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_confirmed  # opening the link alone writes nothing

    assert client.post(link).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).is_confirmed

    assert submit_login(client, "AIGERIM@example.kg", "steppe-walnut-2030").status_code == 302
    assert is_logged_in(client)


def test_register_with_new_organisation_makes_user_its_admin(client):
    data = register_form(org_name="Naryn City Hall", org_kind="candidate", org_country="kg")
    assert client.post("/account/register", data=data).status_code == 302
    membership = db.session.scalar(select(Membership))
    assert membership.role == "org_admin" and membership.user.email == "aigerim@example.kg"
    org = membership.organisation
    expected = ("Naryn City Hall", "candidate", "kg", "applicant")
    assert (org.name, org.kind, org.country, org.status) == expected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "short1", "password_repeat": "short1"}, b"between 8 and 200 characters"),
        ({"password": "Password123", "password_repeat": "Password123"}, b"too common"),
        (
            {"password": "aigerim@example.kg", "password_repeat": "aigerim@example.kg"},
            b"must not be your e-mail address or your name",
        ),
        ({"password_repeat": "something-else-99"}, b"The two passwords do not match."),
        ({"email": "not-an-address"}, b"Please enter a valid e-mail address"),
        ({"name": ""}, b"Please enter your name."),
        ({"language": "de"}, b"Not a valid choice"),
        ({"org_name": "Talas", "org_kind": "", "org_country": "kg"}, b"what kind of organisation"),
        ({"org_name": "Talas", "org_kind": "signatory", "org_country": ""}, b"country of the organisation"),
    ],
)
def test_bad_registration_changes_nothing_and_says_why(client, outbox, fields, message):
    response = client.post("/account/register", data=register_form(**fields))
    assert response.status_code == 200
    assert message in response.data
    assert user_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    assert read_mails(outbox) == []


def test_duplicate_email_gets_the_new_account_answer_and_the_owner_a_mail(client, outbox):
    """The page must not tell strangers who has an account: the owner learns it by mail."""
    make_user(email="aigerim@example.kg")
    data = register_form(email="AIGERIM@example.KG", org_name="Osh", org_kind="signatory", org_country="kg")
    taken = client.post("/account/register", data=data, follow_redirects=True)
    fresh = client.post(
        "/account/register", data=register_form(email="new@example.kg"), follow_redirects=True
    )
    assert b"already exists" not in taken.data
    assert taken.status_code == fresh.status_code == 200
    assert b"Almost done" in taken.data and b"Almost done" in fresh.data
    assert user_count() == 2
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    mails = read_mails(outbox)
    assert [m["To"] for m in mails] == ["aigerim@example.kg", "new@example.kg"]
    assert "already exists" in text_of(mails[0]) and "/account/forgot" in text_of(mails[0])


def test_duplicate_of_an_unconfirmed_account_sends_its_confirmation_again(client, outbox):
    make_user(email="bakyt@example.kg", confirmed=False)
    client.post("/account/register", data=register_form(email="bakyt@example.kg"))
    [mail] = read_mails(outbox)
    assert "/account/confirm/" in text_of(mail)


def test_a_weak_password_is_refused_whether_or_not_the_address_is_taken(client, outbox):
    make_user(email="aigerim@example.kg")
    for email in ("aigerim@example.kg", "free@example.kg"):
        weak = register_form(email=email, password="password1", password_repeat="password1")
        response = client.post("/account/register", data=weak)
        assert response.status_code == 200 and b"Almost done" not in response.data
        assert b"password" in response.data.lower() and b"already exists" not in response.data
    assert read_mails(outbox) == []


def test_tampered_confirmation_link_is_refused(client, outbox):
    client.post("/account/register", data=register_form())
    link = link_in(read_mails(outbox)[0])
    response = client.post(link[:-3] + "abc")
    assert response.status_code == 400
    assert b"This link is not valid" in response.data
    assert not db.session.scalar(select(User)).is_confirmed


def test_new_confirmation_link_only_for_unconfirmed_accounts(client, outbox):
    make_user(email="done@example.org")
    make_user(email="waiting@example.org", confirmed=False)
    for email in ("done@example.org", "waiting@example.org", "nobody@example.org"):
        response = client.post("/account/confirm", data={"email": email}, follow_redirects=True)
        assert b"If an unconfirmed account uses this address" in response.data
    assert [mail["To"] for mail in read_mails(outbox)] == ["waiting@example.org"]
