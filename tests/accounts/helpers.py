"""Small steps the accounts tests share: read the outbox, log in, copy and restore cookies."""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from tests.conftest import TEST_PASSWORD

LINK_PATTERN = re.compile(r"https?://\S+/account/(?:confirm|reset)/\S+")


def read_mails(outbox: Path) -> list[EmailMessage]:
    """Every .eml the app wrote, oldest first."""
    if not outbox.exists():
        return []
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in sorted(outbox.glob("*.eml"))]  # type: ignore[misc]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def link_in(message: EmailMessage) -> str:
    """The path of the one account link in a mail's text part, ready for the test client."""
    match = LINK_PATTERN.search(text_of(message))
    assert match, text_of(message)
    return urlsplit(match.group(0)).path


def submit_login(client: FlaskClient, email: str, password: str = TEST_PASSWORD, **extra: object):
    """Post the login form, as a person would: for the tests of logging in itself (elsewhere
    tests.sessions.login puts a user in the session directly)."""
    return client.post("/account/login", data={"email": email, "password": password, **extra})


def is_logged_in(client: FlaskClient) -> bool:
    """Ask a login-only page: logged-out visitors are sent to the login page."""
    response = client.get("/account/profile")
    if response.status_code == 302:
        assert "/account/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def cookie_value(client: FlaskClient, name: str = "session") -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def register_form(**fields: str) -> dict[str, str]:
    """A valid registration; tests override one field to make it invalid."""
    data = {
        "name": "Aigerim Sadykova",
        "email": "aigerim@example.kg",
        "password": "steppe-walnut-2030",
        "password_repeat": "steppe-walnut-2030",
        "language": "ky",
        "org_name": "",
        "org_kind": "",
        "org_country": "",
    }
    data.update(fields)
    return data
