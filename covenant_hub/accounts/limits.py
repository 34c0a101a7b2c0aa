"""Limits that guard one account, whatever client address the requests come from.

A limit keyed on the account alone is a weapon as much as a shield: anyone who knows an
address could spend its allowance and lock the owner out. So failed logins are counted twice:
tightly per (account, client address), which only locks out the place the guessing comes from,
and loosely per account, which slows a guesser spread over many addresses. Successful logins
never count. Reset and confirmation mails are never refused with a 429 (that would block the
owner and single out the address); over the limit the page answers as usual and no mail goes.

Limiter keys carry a keyed hash of the address as accounts store it (`normalise_email`: one
counter per account), never the address itself: the limiter's storage file is not a list of
who tried to log in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.wrappers import Response

from covenant_hub.accounts.services import normalise_email
from covenant_hub.extensions import limiter

View = TypeVar("View", bound=Callable[..., object])
DIGEST_LENGTH = 32  # hex characters: 128 bits, plenty to keep accounts apart


def address_digest(*parts: str) -> str:
    """HMAC-SHA256 under the app's secret key, truncated: a plain hash of an e-mail address can
    be reversed by hashing a list of addresses, a keyed one cannot without the key."""
    secret = current_app.secret_key or ""
    key = secret.encode() if isinstance(secret, str) else bytes(secret)
    message = "\x1f".join(parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:DIGEST_LENGTH]


def _submitted_address() -> str:
    return normalise_email(request.form.get("email") or "")


def _no_address() -> bool:
    """A form without an address names no account: the per-client limits alone apply."""
    return not _submitted_address()


def _account_key() -> str:
    return "login-account:" + address_digest(_submitted_address())


def _account_and_client_key() -> str:
    return "login-account-client:" + address_digest(_submitted_address(), get_remote_address())


def _login_failed(response: Response) -> bool:
    """A failed login shows the form again (200); a successful one redirects, and a refusal
    by another limit (429) is no password check, so neither counts."""
    return response.status_code == 200


def _failed_login_limit(config_key: str, key_func: Callable[[], str]) -> Callable[[View], View]:
    return limiter.limit(
        lambda: current_app.config[config_key],
        key_func=key_func,
        methods=["POST"],
        exempt_when=_no_address,
        deduct_when=_login_failed,
    )


def limit_failed_logins(view: View) -> View:
    """Refuse (429) further attempts once too many have failed for this account, from this
    client address or, far more loosely, from anywhere."""
    view = _failed_login_limit("RATELIMIT_LOGIN_FAILURES_PER_CLIENT", _account_and_client_key)(view)
    return _failed_login_limit("RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT", _account_key)(view)


def may_send_account_mail(kind: str, email: str) -> bool:
    """Count one mail of `kind` for this address and say whether it is still within the limit.

    The caller answers the same way either way; only the mail is skipped, so a stranger can
    neither flood a mailbox nor learn anything from the page.
    """
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    item = parse(current_app.config["RATELIMIT_RESET_PER_ADDRESS"])
    return limiter.limiter.hit(item, f"account-mail-{kind}", address_digest(normalise_email(email)))
