"""The profile page creates and revokes personal API tokens; a token is shown only once."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from sqlalchemy import select

from covenant_hub.accounts.api_tokens import ApiToken
from covenant_hub.extensions import db
from tests.accounts.helpers import submit_login
from tests.factories import make_user

SECRET = re.compile(r"chub_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def csrf_and_form_token(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to `action`."""
    form = page[page.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'name="(csrf_token|form_token)" type="hidden" value="([^"]+)"', form))


@pytest.fixture
def member(client, app):
    user = make_user(language="ru")
    app.config["WTF_CSRF_ENABLED"] = False
    submit_login(client, user.email)
    app.config["WTF_CSRF_ENABLED"] = True
    return user


def create(client, name: str = "Партнёрский скрипт", **fields: str):
    page = client.get("/account/profile").get_data(as_text=True)
    data = {**csrf_and_form_token(page, "/account/tokens"), "token_name": name, "days": "30", **fields}
    return client.post("/account/tokens", data=data)


def test_a_new_token_is_shown_once_and_works(client, member, caplog):
    caplog.set_level(logging.DEBUG)
    created = create(client, write="y")
    assert created.status_code == 200
    page = created.get_data(as_text=True)
    secret = SECRET.search(page).group(0)
    assert "Скопируйте токен сейчас" in page  # the person's language
    assert created.headers["Cache-Control"] == "no-store"
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == member.id))
    assert row.scope_set == {"read", "write"} and row.name == "Партнёрский скрипт"
    profile = client.get("/account/profile").get_data(as_text=True)
    assert secret not in profile and f"{row.shown}…" in profile and "Партнёрский скрипт" in profile
    used = client.get("/api/v1/groups", headers={"Authorization": f"Bearer {secret}"})
    assert used.status_code == 200
    assert secret not in caplog.text
    assert not any(secret in str(value) for value in vars(row).values())


def test_a_token_without_csrf_is_not_created(client, member):
    response = client.post("/account/tokens", data={"token_name": "x", "days": "30"})
    assert response.status_code == 400
    assert db.session.scalar(select(ApiToken)) is None


@pytest.mark.parametrize("fields", [{"token_name": ""}, {"days": "7"}, {"token_name": "n" * 81}])
def test_bad_input_is_explained_and_creates_nothing(client, member, fields):
    response = create(client, **fields)
    assert response.status_code == 400
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_a_token_is_revoked_from_the_profile(client, member):
    secret = SECRET.search(create(client).get_data(as_text=True)).group(0)
    token = db.session.scalar(select(ApiToken))
    page = client.get("/account/profile").get_data(as_text=True)
    action = f"/account/tokens/{token.id}/revoke"
    revoked = client.post(action, data=csrf_and_form_token(page, action))
    assert revoked.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert client.get("/api/v1/groups", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert token.shown not in client.get("/account/profile").get_data(as_text=True)


def test_nobody_revokes_another_persons_token(client, member, app):
    from covenant_hub.accounts import api_tokens

    other = api_tokens.create_token(make_user(), "theirs", write=False, days=30).token
    page = client.get("/account/profile").get_data(as_text=True)
    hidden = csrf_and_form_token(page, "/account/tokens")
    client.post(f"/account/tokens/{other.id}/revoke", data=hidden)
    db.session.refresh(other)
    assert other.revoked_at is None
