"""Signed, timed tokens for the links we e-mail (the links themselves come from covenant_hub.urls)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from covenant_hub.config import signing_keys

CONFIRM_PURPOSE = "confirm-email"
RESET_PURPOSE = "reset-password"


class TokenInvalid(Exception):
    """The token was tampered with, made for another purpose, or is unknown."""


class TokenExpired(TokenInvalid):
    """The token was genuine but is older than its purpose allows."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # A salt per purpose: a confirmation token can never be replayed as a reset token. Signed with
    # SECRET_KEY; tokens signed with a key in SECRET_KEY_FALLBACKS are still read (key rotation).
    return URLSafeTimedSerializer(signing_keys(current_app.config), salt=f"covenant-hub.{purpose}")


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    """A URL-safe token holding `payload`, signed with the app's secret key."""
    return str(_serializer(purpose).dumps(payload))


def read_token(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    """The payload of a token made for `purpose` at most `max_age` seconds ago."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenExpired from error
    except BadSignature as error:
        raise TokenInvalid from error
    if not isinstance(payload, dict):
        raise TokenInvalid
    return payload


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the current hash: once the password changes, old reset links stop working."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:20]
