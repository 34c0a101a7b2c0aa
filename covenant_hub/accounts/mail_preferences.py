"""How often each person gets mail about each kind of notification, and one-click unsubscribe.

Four kinds (mentions, watched threads, match invitations, programme notices), each immediate,
daily, weekly or off; a person without a row for a kind gets it immediately. The digests
(`accounts.digests`) collect what daily and weekly readers did not get at once. Every mail
about a kind carries a signed link that turns that kind off without logging in.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from covenant_hub.accounts.tokens import TokenExpired, TokenInvalid, make_token, read_token
from covenant_hub.errors import DomainError
from covenant_hub.extensions import db
from covenant_hub.urls import public_url

KIND_LABELS = {
    "mentions": _l("Someone mentions me"),
    "watched": _l("New posts in threads I watch or started"),
    "invitations": _l("Match invitations and their answers"),
    "programme": _l("Supporter programme notices"),
}
MODE_LABELS = {
    "immediate": _l("At once"),
    "daily": _l("In a daily digest"),
    "weekly": _l("In a weekly digest"),
    "off": _l("Never"),
}
KINDS = tuple(KIND_LABELS)
MODES = tuple(MODE_LABELS)
DEFAULT_MODE = "immediate"
UNSUBSCRIBE_PURPOSE = "mail-unsubscribe"


class PreferenceError(DomainError):
    """A refused preference change or a bad unsubscribe link; nothing was changed."""


class NotificationPreference(db.Model):
    """One person's choice for one kind; no row means immediate."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), default=DEFAULT_MODE)


def kind_of(notification_kind: str) -> str | None:
    """The preference kind a notification belongs to (None: not governed by preferences)."""
    if notification_kind == "mention":
        return "mentions"
    if notification_kind in ("reply", "watching"):
        return "watched"
    if notification_kind.startswith("match_"):
        return "invitations"
    if notification_kind.startswith("prog_"):
        return "programme"
    return None


def modes_of(user_id: int) -> dict[str, str]:
    """Every kind's mode for the person, defaults filled in."""
    rows = db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user_id))
    chosen = {row.kind: row.mode for row in rows}
    return {kind: chosen.get(kind, DEFAULT_MODE) for kind in KINDS}


def mode_for(user_id: int, notification_kind: str) -> str:
    """How the person wants mail about a notification of this kind."""
    kind = kind_of(notification_kind)
    return DEFAULT_MODE if kind is None else modes_of(user_id)[kind]


def wants_mail_now(user_id: int, notification_kind: str) -> bool:
    return mode_for(user_id, notification_kind) == "immediate"


def set_modes(user_id: int, modes: dict[str, str]) -> dict[str, str]:
    """Store the person's choices (every kind must be given a known mode) and commit."""
    if set(modes) != set(KINDS) or any(mode not in MODES for mode in modes.values()):
        db.session.rollback()
        raise PreferenceError(str(_l("Choose how often for every kind of e-mail.")))
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user_id))
    db.session.add_all(
        NotificationPreference(user_id=user_id, kind=kind, mode=mode)
        for kind, mode in modes.items()
        if mode != DEFAULT_MODE
    )
    db.session.commit()
    return modes_of(user_id)


def unsubscribe_token(user_id: int, kinds: list[str]) -> str:
    return make_token(UNSUBSCRIBE_PURPOSE, {"u": user_id, "k": sorted(kinds)})


def read_unsubscribe_token(token: str) -> tuple[int, list[str]]:
    """The person and kinds a link turns off, or a translated error."""
    max_age = int(current_app.config.get("UNSUBSCRIBE_TOKEN_MAX_AGE", 400 * 86400))
    try:
        payload = read_token(UNSUBSCRIBE_PURPOSE, token, max_age)
    except (TokenExpired, TokenInvalid) as error:
        raise PreferenceError(str(_l("This unsubscribe link is not valid."))) from error
    kinds = payload.get("k")
    user_id = payload.get("u")
    known = isinstance(kinds, list) and bool(kinds) and set(kinds) <= set(KINDS)
    if not isinstance(user_id, int) or not known:
        raise PreferenceError(str(_l("This unsubscribe link is not valid.")))
    return user_id, kinds


def unsubscribe(token: str) -> tuple[int, list[str]]:
    """Turn the link's kinds off for its person and commit; repeating it is harmless."""
    from covenant_hub.accounts.models import User

    user_id, kinds = read_unsubscribe_token(token)
    if db.session.get(User, user_id) is None:
        raise PreferenceError(str(_l("This unsubscribe link is not valid.")))
    modes = modes_of(user_id)
    modes.update({kind: "off" for kind in kinds})
    set_modes(user_id, modes)
    return user_id, kinds


def unsubscribe_link(user_id: int, kinds: list[str]) -> str:
    return public_url("mail_settings.unsubscribe", token=unsubscribe_token(user_id, kinds))


def unsubscribe_headers(user_id: int, kinds: list[str]) -> dict[str, str]:
    """RFC 8058 one-click headers: a mail client POSTs to the link without opening a page."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_link(user_id, kinds)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
