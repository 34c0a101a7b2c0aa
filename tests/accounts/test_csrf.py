"""With CSRF protection on (as in production), state-changing forms need the token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from covenant_hub.accounts.models import User
from covenant_hub.extensions import db
from tests.accounts.helpers import is_logged_in, register_form
from tests.conftest import TEST_PASSWORD
from tests.factories import make_user

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def csrf_token(client, path: str) -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def test_testing_mode_does_not_switch_csrf_off(app):
    assert app.config["TESTING"] is True and app.config["WTF_CSRF_ENABLED"] is True


def test_login_without_token_is_refused(client):
    user = make_user()
    response = client.post("/account/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert b"The form expired or was sent from another site" in response.data
    assert not is_logged_in(client)


def test_login_with_token_works(client):
    user = make_user()
    token = csrf_token(client, "/account/login")
    response = client.post(
        "/account/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert is_logged_in(client)


def test_register_without_token_creates_nothing(client):
    response = client.post("/account/register", data=register_form())
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_logout_without_token_keeps_the_session(client):
    user = make_user()
    token = csrf_token(client, "/account/login")
    client.post("/account/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert client.post("/account/logout").status_code == 400
    assert is_logged_in(client)
