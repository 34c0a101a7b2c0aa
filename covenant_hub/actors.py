"""Who calls a service or a permission function, as the services and permissions type it."""

from __future__ import annotations

from typing import Any, Protocol


class Actor(Protocol):
    """A person acting: an `accounts.models.User`, or Flask-Login's anonymous user (whose
    `is_authenticated` is False and who has no `id` or `role`). Permission functions also
    accept None, for a test or a command acting as nobody. Code reads `is_authenticated` (or
    compares with None) before it reads `id` or `role`.

    A protocol and not `User` itself: core and the engines must not import the accounts domain.
    """

    id: Any
    role: str

    @property
    def is_authenticated(self) -> bool: ...
