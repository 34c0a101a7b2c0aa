"""Session and remember-me cookies: HttpOnly and SameSite=Lax always, Secure on an https site."""

from __future__ import annotations

import pytest

from covenant_hub import create_app
from tests.conftest import TEST_PASSWORD, FreshRequestClient
from tests.factories import make_user


def _login_cookies(app) -> list[str]:
    user = make_user()
    client = app.test_client()
    response = client.post(
        "/account/login", data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    return response.headers.getlist("Set-Cookie")


def _cookie(headers: list[str], name: str) -> str:
    [cookie] = [h for h in headers if h.startswith(f"{name}=")]
    return cookie


@pytest.mark.parametrize(
    "public_url, secure", [("http://127.0.0.1:5000", False), ("https://hub.example.org", True)]
)
def test_cookie_flags(app_config, public_url, secure):
    application = create_app({**app_config, "PUBLIC_URL": public_url})
    application.test_client_class = FreshRequestClient
    with application.app_context():
        headers = _login_cookies(application)
    for name in ("session", "remember_token"):
        cookie = _cookie(headers, name)
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure, cookie
    assert (application.config["PREFERRED_URL_SCHEME"] == "https") is secure
