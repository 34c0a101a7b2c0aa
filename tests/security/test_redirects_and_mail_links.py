"""Open redirects through `next`, and mailed links that must not take the attacker's Host."""

from __future__ import annotations

import pytest

from covenant_hub.urls import safe_next_url
from tests.accounts.helpers import link_in, read_mails, text_of
from tests.factories import make_user

LEAVING = [
    "/\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\r\n/evil.example",
    "\\\\evil.example",
]


@pytest.mark.parametrize("target", LEAVING)
def test_next_urls_that_browsers_would_send_elsewhere_are_refused(target):
    assert safe_next_url(target) == "/"


@pytest.mark.parametrize("target", ["/orgs/?q=a b", "/search?q=street%20lighting", "/forum/t/3#post-4"])
def test_paths_on_this_site_are_kept(target):
    assert safe_next_url(target) == target


@pytest.mark.parametrize("target", LEAVING[:4])
def test_login_and_language_switch_do_not_redirect_off_site(client, target):
    user = make_user()
    response = client.post(
        "/account/login",
        query_string={"next": target},
        data={"email": user.email, "password": "correct-horse-battery-42"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = client.post("/language", data={"lang": "ru", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_reset_link_uses_public_url_not_the_request_host(app, client, outbox):
    app.config["PUBLIC_URL"] = "https://hub.example.org"
    user = make_user()
    client.post(
        "/account/forgot",
        data={"email": user.email},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    [mail] = read_mails(outbox)
    assert "evil.example" not in text_of(mail)
    assert "https://hub.example.org/account/reset/" in text_of(mail)
    assert client.get(link_in(mail)).status_code == 200


def test_newsletter_confirmation_link_uses_public_url(app, client, outbox):
    app.config["PUBLIC_URL"] = "https://hub.example.org"
    client.post(
        "/newsletter/",
        data={"email": "reader@example.org", "language": "en"},
        headers={"Host": "evil.example"},
    )
    [mail] = read_mails(outbox)
    assert "evil.example" not in text_of(mail)
    assert "https://hub.example.org/newsletter/confirm/" in text_of(mail)
