"""Password hashing (argon2id) and the rules a new password must meet."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

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
