"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

_production_hasher = PasswordHasher()  # argon2id with the library's recommended costs
# Tests hash hundreds of passwords: same algorithm, lower cost (config ARGON2_FAST).
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hasher() -> PasswordHasher:
    return _fast_hasher if current_app.config.get("ARGON2_FAST") else _production_hasher


def hash_password(password: str) -> str:
    """An argon2id hash with its own salt and parameters."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; never raises for a wrong password or a bad hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


MIN_PASSWORD_LENGTH = 8
_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list, read once per process: the first guesses of any attacker."""
    lines = _COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` may not be used, as a translated sentence, or None when it is acceptable.

    Forms and the CLI both ask here, so the rule is the same wherever a password is set.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must be at least %(count)d characters long.", count=MIN_PASSWORD_LENGTH)
    lowered = password.strip().lower()
    if lowered in common_passwords():
        return _("This password is too common. Please choose one that is harder to guess.")
    personal = {email.strip().lower(), email.strip().lower().partition("@")[0], name.strip().lower()}
    if lowered in personal - {""}:
        return _("The password must not be your e-mail address or your name.")
    return None
