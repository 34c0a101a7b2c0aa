"""Login, logout, and old session cookies that must stop working."""

from __future__ import annotations

from covenant_hub.accounts import services
from covenant_hub.extensions import db
from tests.accounts.helpers import cookie_value, is_logged_in, submit_login
from tests.factories import make_user


def test_login_and_logout(client):
    user = make_user()
    response = submit_login(client, user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert is_logged_in(client)
    assert client.post("/account/logout").status_code == 302
    assert not is_logged_in(client)


def test_logout_is_post_only(client):
    assert client.get("/account/logout").status_code == 405


def test_unknown_address_and_wrong_password_get_the_same_message(client):
    user = make_user()
    wrong = submit_login(client, user.email, "not-the-password", follow_redirects=True)
    unknown = submit_login(client, "nobody@example.org", "not-the-password", follow_redirects=True)
    message = b"The e-mail address or password is not correct."
    assert message in wrong.data and message in unknown.data
    assert not is_logged_in(client)


def test_disabled_account_is_told_so(client):
    user = make_user()
    services.disable_user(user)
    response = submit_login(client, user.email, follow_redirects=True)
    assert b"This account has been disabled" in response.data
    assert not is_logged_in(client)


def test_next_is_followed_only_on_this_site(client):
    user = make_user()
    response = client.post(
        "/account/login?next=/account/password",
        data={"email": user.email, "password": "correct-horse-battery-42"},
    )
    assert response.headers["Location"] == "/account/password"
    client.post("/account/logout")
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(
            "/account/login",
            query_string={"next": target},
            data={"email": user.email, "password": "correct-horse-battery-42"},
        )
        assert response.headers["Location"] == "/"
        client.post("/account/logout")


def test_login_required_page_sends_visitors_to_login(client):
    response = client.get("/account/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")


def test_old_cookie_rejected_after_logout(client):
    user = make_user()
    submit_login(client, user.email)
    assert is_logged_in(client)  # the cookie was a logged-in one
    old = cookie_value(client)
    client.post("/account/logout")
    client.set_cookie("session", old)
    assert not is_logged_in(client)


def test_old_remember_cookie_rejected_after_logout(client):
    user = make_user()
    submit_login(client, user.email, remember="y")
    remembered = cookie_value(client, "remember_token")
    elsewhere = client.application.test_client()
    elsewhere.set_cookie("remember_token", remembered)
    assert is_logged_in(elsewhere)  # until the logout, the cookie alone logs in
    client.post("/account/logout")
    client.delete_cookie("session")
    client.set_cookie("remember_token", remembered)
    assert not is_logged_in(client)


def test_remember_cookie_alone_logs_in_while_valid(client):
    user = make_user()
    submit_login(client, user.email, remember="y")
    client.delete_cookie("session")
    assert is_logged_in(client)


def test_old_cookie_rejected_after_password_change_but_this_session_stays(app, client):
    user = make_user()
    submit_login(client, user.email)
    elsewhere = app.test_client()
    submit_login(elsewhere, user.email)
    assert is_logged_in(elsewhere)  # in, before the change puts it out
    old = cookie_value(client)
    response = client.post(
        "/account/password",
        data={
            "current_password": "correct-horse-battery-42",
            "password": "new-steppe-horse-77",
            "password_repeat": "new-steppe-horse-77",
        },
    )
    assert response.status_code == 302
    assert is_logged_in(client)  # the person who changed it stays in
    assert not is_logged_in(elsewhere)  # the other device is out
    client.set_cookie("session", old)
    assert not is_logged_in(client)
    assert submit_login(client, user.email, "new-steppe-horse-77").status_code == 302


def test_wrong_current_password_changes_nothing(client):
    user = make_user()
    submit_login(client, user.email)
    old_hash = user.password_hash
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong-password-1",
            "password": "new-steppe-horse-77",
            "password_repeat": "new-steppe-horse-77",
        },
    )
    assert response.status_code == 200
    assert b"Your current password is not correct." in response.data
    db.session.refresh(user)
    assert user.password_hash == old_hash
    assert is_logged_in(client)


def test_old_cookie_rejected_after_disabling(client):
    user = make_user()
    submit_login(client, user.email)
    assert is_logged_in(client)  # the cookie was a logged-in one
    old = cookie_value(client)
    services.disable_user(user)
    client.set_cookie("session", old)
    assert not is_logged_in(client)
    services.enable_user(user)  # re-enabling does not revive the old cookie either
    client.set_cookie("session", old)
    assert not is_logged_in(client)
    assert submit_login(client, user.email).status_code == 302
