"""Password reset by mailed link: same answer for any address, single use, expiry."""

from __future__ import annotations

import time

from itsdangerous.timed import TimestampSigner

from covenant_hub.accounts.passwords import verify_password
from covenant_hub.extensions import db
from tests.accounts.helpers import cookie_value, is_logged_in, link_in, read_mails, submit_login, text_of
from tests.factories import make_user

NEW = {"password": "walnut-forest-arslanbob-9", "password_repeat": "walnut-forest-arslanbob-9"}


def ask_reset(client, email):
    return client.post("/account/forgot", data={"email": email}, follow_redirects=True)


def test_same_answer_whether_or_not_the_account_exists(client, outbox):
    user = make_user()
    known = ask_reset(client, user.email)
    unknown = ask_reset(client, "nobody@example.org")
    message = b"If an account uses this address, we have sent it a link"
    assert message in known.data and message in unknown.data
    assert [mail["To"] for mail in read_mails(outbox)] == [user.email]


def test_reset_sets_the_password_and_the_link_works_once(client, outbox):
    user = make_user()
    ask_reset(client, user.email.upper())
    link = link_in(read_mails(outbox)[0])
    assert client.get(link).status_code == 200
    assert client.post(link, data=NEW).status_code == 302
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW["password"])
    assert submit_login(client, user.email, NEW["password"]).status_code == 302

    again = client.post(
        link, data={"password": "another-new-pass-5", "password_repeat": "another-new-pass-5"}
    )
    assert again.status_code == 400
    assert b"already been used" in again.data
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW["password"])


def test_reset_ends_existing_sessions(client, outbox):
    user = make_user()
    submit_login(client, user.email)
    assert is_logged_in(client)  # the cookie was a logged-in one
    old = cookie_value(client)
    ask_reset(client, user.email)
    assert client.post(link_in(read_mails(outbox)[0]), data=NEW).status_code == 302  # the reset happened
    client.set_cookie("session", old)
    assert not is_logged_in(client)


def test_expired_link_is_refused(client, outbox, monkeypatch):
    user = make_user()
    three_hours_ago = int(time.time()) - 3 * 3600
    with monkeypatch.context() as patch:  # the token is signed as if it had been sent earlier
        patch.setattr(TimestampSigner, "get_timestamp", lambda _self: three_hours_ago)
        ask_reset(client, user.email)
    response = client.post(link_in(read_mails(outbox)[0]), data=NEW)
    assert response.status_code == 400
    assert b"This link has expired" in response.data
    db.session.refresh(user)
    assert not verify_password(user.password_hash, NEW["password"])


def test_weak_new_password_is_refused_and_link_stays_usable(client, outbox):
    user = make_user()
    ask_reset(client, user.email)
    link = link_in(read_mails(outbox)[0])
    weak = client.post(link, data={"password": "qwerty123", "password_repeat": "qwerty123"})
    assert weak.status_code == 200 and b"too common" in weak.data
    assert client.post(link, data=NEW).status_code == 302


def test_reset_link_cannot_confirm_and_confirm_link_cannot_reset(client, outbox):
    user = make_user()
    ask_reset(client, user.email)
    reset_link = link_in(read_mails(outbox)[0])
    token = reset_link.rsplit("/", 1)[1]
    response = client.post(f"/account/confirm/{token}")
    assert response.status_code == 400


def test_disabled_account_gets_no_reset_mail(client, outbox):
    from covenant_hub.accounts import services

    user = make_user()
    services.disable_user(user)
    ask_reset(client, user.email)
    assert read_mails(outbox) == []
    services.enable_user(user)
    ask_reset(client, user.email)
    assert [mail["To"] for mail in read_mails(outbox)] == [user.email]  # enabled, it gets one


def test_reset_mail_names_the_link_lifetime(client, outbox):
    user = make_user()
    ask_reset(client, user.email)
    assert "2 hours" in text_of(read_mails(outbox)[0])
