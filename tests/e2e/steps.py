"""Browser steps the flows share: logging in, registering, following a mailed link."""

from __future__ import annotations

import re
from pathlib import Path

from tests.accounts.helpers import read_mails, text_of
from tests.conftest import TEST_PASSWORD


def log_in(page, base: str, email: str, password: str = TEST_PASSWORD) -> None:
    """Log in afresh: the previous user's cookies are dropped first."""
    page.context.clear_cookies()
    page.goto(base + "/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form[method=post] [type=submit]")
    page.wait_for_url(lambda url: "/account/login" not in url)


def fill_registration(page, base: str, name: str, email: str, password: str, language: str) -> None:
    """Open the registration form and fill in the account; the caller adds the rest and submits."""
    page.goto(base + "/account/register")
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.fill("input[name=password_repeat]", password)
    page.select_option("select[name=language]", language)


def mailed_path(outbox: Path, prefix: str) -> str:
    """Path (and query) of the newest mailed link under `prefix`: mails link to PUBLIC_URL, not to the
    live server, so tests open `live_server.url + path`."""
    for message in reversed(read_mails(outbox)):
        match = re.search(rf"https?://\S+?({re.escape(prefix)}\S+)", text_of(message))
        if match:
            return match.group(1)
    raise AssertionError(f"no mail with a {prefix} link in {outbox}")


def confirm_account(page, base: str, outbox: Path) -> None:
    """Follow the newest confirmation mail and press its button."""
    page.goto(base + mailed_path(outbox, "/account/confirm/"))
    page.click("main form[method=post] [type=submit]")
    page.wait_for_url(lambda url: "/account/confirm" not in url)
