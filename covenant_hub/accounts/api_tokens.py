"""Personal API tokens: a script acts as its owner through `Authorization: Bearer <token>`.

A token is shown once, when it is created, and only a keyed hash of it is stored
(HMAC-SHA256 under the app's secret key): tokens are long random strings, so no slow password
hash is needed, and a copy of the database does not let anyone call the API. Each token has
scopes (`read`, or `read` and `write`), an expiry, a last-used time, and can be revoked; a
token of a disabled account stops working with the account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_hub.accounts.models import User
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db

PREFIX = "chub_"  # marks a Covenant Hub token, so secret scanners and people can tell it apart
SHOWN_CHARS = len(PREFIX) + 6  # what the profile page shows to tell tokens apart
SCOPES = ("read", "write")
LIFETIMES_DAYS = (30, 90, 365)
MAX_ACTIVE_TOKENS = 20
MAX_NAME_CHARS = 80
# last_used_at is written at most this often per token: not a database write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(Exception):
    """A refused token change, with a message fit to show the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiToken(db.Model):
    """One personal token; the secret itself is never stored, only its keyed hash."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME_CHARS))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    shown: Mapped[str] = mapped_column(String(16))  # the token's first characters
    scopes: Mapped[str] = mapped_column(String(32))  # space-separated, e.g. "read write"
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    user: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def is_usable(self, now: datetime) -> bool:
        """Not revoked, not expired, and its owner's account is active."""
        return self.revoked_at is None and _aware(self.expires_at) > now and self.user.is_active


@dataclass(frozen=True)
class NewToken:
    """A token just created: `secret` is the only copy, to be shown once and forgotten."""

    token: ApiToken
    secret: str


def _aware(moment: datetime) -> datetime:
    """SQLite gives times back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def token_digest(secret: str) -> str:
    """The stored form of a token: HMAC-SHA256 under a key derived from the app's secret."""
    app_secret = current_app.secret_key or ""
    key = app_secret.encode() if isinstance(app_secret, str) else bytes(app_secret)
    key = hmac.new(key, b"covenant-hub api token", hashlib.sha256).digest()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def _scopes(write: bool) -> str:
    return "read write" if write else "read"


def active_tokens(user: User) -> list[ApiToken]:
    """The person's tokens that still work or may be revoked, newest first."""
    now = utcnow()
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return [token for token in tokens if _aware(token.expires_at) > now]


def create_token(user: User, name: str, *, write: bool, days: int) -> NewToken:
    """Make a token for `user`; the caller shows `secret` once and keeps no copy."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise TokenError(_("Give the token a name of at most %(num)d characters.", num=MAX_NAME_CHARS))
    if days not in LIFETIMES_DAYS:
        raise TokenError(_("Choose how long the token stays valid."))
    if len(active_tokens(user)) >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _("You already have %(num)d tokens. Revoke one you no longer use first.", num=MAX_ACTIVE_TOKENS)
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        digest=token_digest(secret),
        shown=secret[:SHOWN_CHARS],
        scopes=_scopes(write),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.commit()
    return NewToken(token, secret)


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Stop one of the person's own tokens from working, at once and for good."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise TokenError(_("That token does not exist or is already revoked."))
    token.revoked_at = utcnow()
    db.session.commit()
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The usable token this secret belongs to, its last use noted; None for any other."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.digest == token_digest(secret)))
    now = utcnow()
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - _aware(token.last_used_at) >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token
