"""People who log in, their site-wide role and the token that keeps their sessions valid."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db

# Site-wide roles. `org_admin` is a role in one organisation (orgs.Membership) and
# `moderator` a role in one group (forum), so neither is stored here.
SITE_ROLES = ("member", "staff", "admin")


def new_session_token() -> str:
    """A fresh random token; changing it logs the user out everywhere."""
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    """A person with an account. Their organisations come through memberships."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="en")
    role: Mapped[str] = mapped_column(String(16), default="member")
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    confirmed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    memberships = relationship("Membership", back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        """Flask-Login keeps this in the session cookie: a cookie whose token no longer
        matches (after logout, a password change or disabling) loads nobody."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.disabled_at is None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in ("staff", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def rotate_session_token(self) -> None:
        """Invalidate every session cookie issued so far."""
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
