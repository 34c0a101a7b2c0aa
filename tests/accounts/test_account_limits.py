"""Per-account limits slow a guesser without handing strangers a way to lock the owner out.

Failed logins count per (account, client address) tightly and per account loosely; correct
logins never count; reset and confirmation mails over their limit are skipped behind the usual
answer; the limiter's storage never holds an e-mail address.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.accounts.helpers import is_logged_in, read_mails
from tests.conftest import TEST_PASSWORD
from tests.factories import make_user

PER_CLIENT = 3
PER_ACCOUNT = 8
MAILS = 2


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Per-client limits out of the way, per-account ones low and per hour (no window can pass)."""
    app_config.update(
        {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_LOGIN": "1000 per hour",
            "RATELIMIT_RESET": "1000 per hour",
            "RATELIMIT_LOGIN_FAILURES_PER_CLIENT": f"{PER_CLIENT} per hour",
            "RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT": f"{PER_ACCOUNT} per hour",
            "RATELIMIT_RESET_PER_ADDRESS": f"{MAILS} per hour",
        }
    )
    return app_config


def login_from(client, ip: str, email: str, password: str = TEST_PASSWORD) -> int:
    data = {"email": email, "password": password}
    return client.post("/account/login", data=data, environ_base={"REMOTE_ADDR": ip}).status_code


def guesses(client, ip: str, email: str, count: int) -> list[int]:
    return [login_from(client, ip, email, "wrong-password-1") for _ in range(count)]


def test_guessing_from_many_addresses_does_not_stop_the_owner_until_the_loose_limit(app):
    owner = make_user()
    attacker = app.test_client()

    assert guesses(attacker, "10.0.0.1", owner.email, PER_CLIENT + 1) == [200] * PER_CLIENT + [429]
    # That place is locked out, even with the right password.
    assert login_from(attacker, "10.0.0.1", owner.email) == 429
    assert guesses(attacker, "10.0.0.2", owner.email.upper(), PER_CLIENT + 1) == [200] * PER_CLIENT + [429]

    first_visit = app.test_client()
    assert login_from(first_visit, "192.0.2.7", owner.email) == 302
    assert is_logged_in(first_visit)

    # Two more failures from a third place reach the account-wide limit (3 + 3 + 2 = 8) ...
    remaining = PER_ACCOUNT - 2 * PER_CLIENT
    assert guesses(attacker, "10.0.0.3", owner.email, remaining) == [200] * remaining
    # ... and only then is the owner held up too, from a place never seen before.
    second_visit = app.test_client()
    assert login_from(second_visit, "192.0.2.8", owner.email) == 429
    assert not is_logged_in(second_visit)
    assert login_from(app.test_client(), "10.0.0.4", "someone-else@example.org", "wrong-password-1") == 200


def test_correct_logins_do_not_count(app):
    owner = make_user()
    for _ in range(PER_CLIENT + 2):
        client = app.test_client()
        assert login_from(client, "10.0.0.1", owner.email) == 302
        assert is_logged_in(client)
    client = app.test_client()
    assert guesses(client, "10.0.0.1", owner.email, PER_CLIENT + 1) == [200] * PER_CLIENT + [429]


def test_a_login_without_address_counts_against_no_account(app):
    owner = make_user()
    client = app.test_client()
    attempts = PER_CLIENT + 2
    assert [login_from(client, "10.0.0.1", "", "x") for _ in range(attempts)] == [200] * attempts
    assert login_from(client, "10.0.0.1", owner.email) == 302


@pytest.mark.parametrize(
    ("path", "confirmed", "message"),
    [
        ("/account/forgot", True, "If an account uses this address, we have sent it a link"),
        (
            "/account/confirm",
            False,
            "If an unconfirmed account uses this address, we have sent it a new link.",
        ),
    ],
)
def test_over_the_mail_limit_the_answer_is_the_same_and_no_mail_goes(
    app, client, outbox, path, confirmed, message
):
    owner = make_user(confirmed=confirmed)
    other = make_user(confirmed=confirmed)
    spellings = [owner.email, owner.email.upper(), owner.email.capitalize(), owner.email]
    answers = [
        client.post(path, data={"email": email}, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        for n, email in enumerate(spellings, start=1)
    ]

    assert {(answer.status_code, answer.headers["Location"]) for answer in answers} == {
        (302, "/account/login")
    }
    assert message in client.get("/account/login").get_data(as_text=True)
    assert [mail["To"] for mail in read_mails(outbox)] == [owner.email] * MAILS

    client.post(path, data={"email": other.email})  # another address has its own allowance
    assert [mail["To"] for mail in read_mails(outbox)][-1] == other.email


def test_over_the_mail_limit_an_unknown_address_gets_the_same_answer(app, client, outbox):
    codes = [
        client.post("/account/forgot", data={"email": "nobody@example.org"}).status_code
        for _ in range(MAILS + 2)
    ]
    assert codes == [302] * (MAILS + 2)
    assert read_mails(outbox) == []


def _limiter_keys(app) -> list[str]:
    path = Path(urlparse(app.config["RATELIMIT_STORAGE_URI"]).path)
    with sqlite3.connect(path) as conn:
        return [key for (key,) in conn.execute("SELECT key FROM counters")]


def test_limiter_keys_hold_no_email_address(app, client):
    owner = make_user(email="Aigerim.Sadykova@Mail-Provider.kg", confirmed=False)
    guesses(client, "10.0.0.1", owner.email, 2)
    client.post("/account/forgot", data={"email": owner.email})
    client.post("/account/confirm", data={"email": owner.email})

    keys = _limiter_keys(app)
    for kind in ("login-account:", "login-account-client:", "account-mail-reset", "account-mail-confirm"):
        assert any(kind in key for key in keys), (kind, keys)
    for key in keys:
        assert "aigerim" not in key.casefold() and "mail-provider" not in key.casefold(), key
