"""Account changes as plain functions: views, the CLI and tests call them the same way.

Each function owns its commit and raises AccountError with a message fit to show the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from blinker import Namespace
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from covenant_hub.accounts import emails, tokens
from covenant_hub.accounts.models import SITE_ROLES, User
from covenant_hub.accounts.passwords import hash_password, password_problem, verify_password
from covenant_hub.clock import utcnow
from covenant_hub.errors import DomainError
from covenant_hub.extensions import db
from covenant_hub.urls import public_url

# Sent inside the registration's transaction, before its commit, when the person registers an
# organisation with their account (`organisation=` a NewOrganisation): the orgs domain, which
# sits above accounts, creates it, and a failed registration takes both back.
registering_organisation = Namespace().signal("registering-organisation")


class AccountError(DomainError):
    """A refused request; `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class EmailTaken(AccountError):
    """The address already has an account. The registration page answers as for a new account
    and mails the owner instead (see `remind_existing_account`), so nobody learns who has one."""


@dataclass(frozen=True)
class NewOrganisation:
    """The optional organisation a person registers together with their account."""

    name: str
    kind: str
    country: str | None


@dataclass(frozen=True)
class Registration:
    """What the registration form collected, already shaped by the form's own checks."""

    name: str
    email: str
    password: str
    language: str
    organisation: NewOrganisation | None = None


def normalise_email(email: str) -> str:
    """Addresses are stored and compared lowercased, so Ann@X.org and ann@x.org are one account."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The account registered with this address, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _duplicate_email_error() -> EmailTaken:
    return EmailTaken(
        _(
            "An account with this e-mail address already exists. "
            "Log in, or reset your password if you have forgotten it."
        ),
        field="email",
    )


def _check_password(password: str, *, email: str, name: str, field: str = "password") -> None:
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem, field=field)


def register_user(data: Registration) -> User:
    """Create an unconfirmed account (and its organisation) in one transaction, then mail the link."""
    email = normalise_email(data.email)
    # The password is judged first: a refusal must not depend on whether the address is taken.
    _check_password(data.password, email=email, name=data.name)
    password_hash = hash_password(data.password)  # the same work either way: no timing hint
    if find_user(email) is not None:
        raise _duplicate_email_error()
    user = User(
        email=email,
        name=data.name.strip(),
        language=data.language,
        password_hash=password_hash,
        role="member",
    )
    db.session.add(user)
    if data.organisation is not None:
        registering_organisation.send(user, organisation=data.organisation)
    try:
        db.session.commit()
    except IntegrityError as error:  # another request registered the same address just now
        db.session.rollback()
        raise _duplicate_email_error() from error
    send_confirmation(user)
    return user


def remind_existing_account(email: str) -> None:
    """Tell the owner of a taken address that someone tried to register with it (or, while the
    account is unconfirmed, send its confirmation link again: that is what the page promised)."""
    user = find_user(email)
    if user is None or not user.is_active:
        return
    if not user.is_confirmed:
        send_confirmation(user)
    else:
        emails.send_account_exists_mail(
            user, public_url("accounts.login"), public_url("accounts.forgot_password")
        )


def send_confirmation(user: User) -> None:
    """Mail (again) the confirmation link; sent after the commit so no mail names a lost account."""
    token = tokens.make_token(tokens.CONFIRM_PURPOSE, {"uid": user.id, "email": user.email})
    emails.send_confirmation_mail(user, public_url("accounts.confirm_email", token=token))


def resend_confirmation(email: str) -> None:
    """Send a fresh link to an unconfirmed account; silent otherwise, so nobody learns who has one."""
    user = find_user(email)
    if user is not None and not user.is_confirmed and user.is_active:
        send_confirmation(user)


def _user_from_token(purpose: str, token: str, max_age_key: str) -> tuple[User, dict[str, object]]:
    try:
        payload = tokens.read_token(purpose, token, int(current_app.config[max_age_key]))
    except tokens.TokenExpired as error:
        raise AccountError(_("This link has expired. Please ask for a new one.")) from error
    except tokens.TokenInvalid as error:
        raise AccountError(_("This link is not valid. Please check that you copied all of it.")) from error
    uid = payload.get("uid")
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    if user is None:
        raise AccountError(_("This link is not valid. Please check that you copied all of it."))
    return user, payload


def check_confirmation_token(token: str) -> User:
    """The account a confirmation link is for, without changing anything (for the GET page)."""
    user, payload = _user_from_token(tokens.CONFIRM_PURPOSE, token, "CONFIRM_TOKEN_MAX_AGE")
    if payload.get("email") != user.email:
        raise AccountError(_("This link is not valid. Please check that you copied all of it."))
    return user


def confirm_email(token: str) -> User:
    """Mark the address as confirmed; confirming twice is harmless."""
    user = check_confirmation_token(token)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        db.session.commit()
    return user


@lru_cache(maxsize=2)
def _dummy_hash(_fast: bool) -> str:
    return hash_password("no account has this password")


def authenticate(email: str, password: str) -> User:
    """The user these credentials belong to, or AccountError.

    An unknown address and a wrong password get the same message (and the same hashing work),
    so the login form does not tell strangers who has an account.
    """
    user = find_user(email)
    if user is None:
        verify_password(_dummy_hash(bool(current_app.config.get("ARGON2_FAST"))), password)
        raise AccountError(_("The e-mail address or password is not correct."))
    if not verify_password(user.password_hash, password):
        raise AccountError(_("The e-mail address or password is not correct."))
    if not user.is_active:
        raise AccountError(_("This account has been disabled. Please contact the Covenant Hub team."))
    if not user.is_confirmed:
        raise AccountError(
            _(
                "Please confirm your e-mail address first: open the link we sent you. "
                "You can ask for a new link below."
            )
        )
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when an active account has this address; do nothing visible otherwise."""
    user = find_user(email)
    if user is None or not user.is_active:
        return
    payload = {"uid": user.id, "fp": tokens.password_fingerprint(user.password_hash)}
    token = tokens.make_token(tokens.RESET_PURPOSE, payload)
    emails.send_reset_mail(user, public_url("accounts.reset_password", token=token))


def check_reset_token(token: str) -> User:
    """The account a reset link is for, if the link is genuine, fresh and not used yet."""
    user, payload = _user_from_token(tokens.RESET_PURPOSE, token, "RESET_TOKEN_MAX_AGE")
    if payload.get("fp") != tokens.password_fingerprint(user.password_hash):
        raise AccountError(_("This link has already been used. Please ask for a new one."))
    if not user.is_active:
        raise AccountError(_("This account has been disabled. Please contact the Covenant Hub team."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link then stops working, and so do old sessions."""
    user = check_reset_token(token)
    _check_password(new_password, email=user.email, name=user.name)
    _set_password(user, new_password)
    if user.confirmed_at is None:  # the link reached the inbox, which proves the address
        user.confirmed_at = utcnow()
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace a known password; every other session of this user is logged out."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("Your current password is not correct."), field="current_password")
    _check_password(new_password, email=user.email, name=user.name)
    _set_password(user, new_password)
    db.session.commit()


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.rotate_session_token()


def end_sessions(user: User) -> None:
    """Log the user out everywhere: every cookie issued so far stops loading them."""
    user.rotate_session_token()
    db.session.commit()


def update_profile(user: User, *, name: str, language: str) -> None:
    """Change what the person may edit about themselves."""
    if language not in current_app.config["LANGUAGES"]:
        raise AccountError(_("Please choose one of the offered languages."), field="language")
    user.name = name.strip()
    user.language = language
    db.session.commit()


def set_role(user: User, role: str) -> None:
    """Give a site-wide role (member, staff or admin)."""
    if role not in SITE_ROLES:
        raise AccountError(
            _("Unknown role %(role)s. Choose one of: %(roles)s.", role=role, roles=", ".join(SITE_ROLES))
        )
    user.role = role
    db.session.commit()


def disable_user(user: User) -> None:
    """Lock the account: it cannot log in and its open sessions end now."""
    if user.disabled_at is None:
        user.disabled_at = utcnow()
    user.rotate_session_token()
    db.session.commit()


def enable_user(user: User) -> None:
    """Let a disabled account log in again (with a fresh login)."""
    user.disabled_at = None
    db.session.commit()


def create_confirmed_user(email: str, name: str, role: str, password: str, language: str = "en") -> User:
    """Bootstrap an account (staff or admin) from the command line, confirmed at once."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise _duplicate_email_error()
    if role not in SITE_ROLES:
        raise AccountError(
            _("Unknown role %(role)s. Choose one of: %(roles)s.", role=role, roles=", ".join(SITE_ROLES))
        )
    _check_password(password, email=email, name=name)
    user = User(
        email=email,
        name=name.strip(),
        language=language,
        role=role,
        password_hash=hash_password(password),
        confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.commit()
    return user
