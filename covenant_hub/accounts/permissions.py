"""Who may do what with accounts. Each check is a yes/no function of the acting user.

`user` may be Flask-Login's anonymous user (or None in plain code), so every check first asks
whether anyone is logged in at all.
"""

from __future__ import annotations

from typing import Any

from covenant_hub.actors import Actor


def is_logged_in(user: Actor) -> bool:
    """An authenticated, active account."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_staff(user: Actor) -> bool:
    """CoMO staff, and admins, who can do everything staff can."""
    return is_logged_in(user) and user.role in ("staff", "admin")


def is_admin(user: Actor) -> bool:
    """The Commission's administrators."""
    return is_logged_in(user) and user.role == "admin"


def can_manage_users(user: Actor) -> bool:
    """Change roles, disable and enable accounts: admins only."""
    return is_admin(user)


def can_view_user_list(user: Actor) -> bool:
    """See every account (for reviews and support): staff and admins."""
    return is_staff(user)


def can_edit_account(user: Actor, account: Any) -> bool:
    """Edit an account's own details: its owner, or an admin."""
    if not is_logged_in(user) or account is None:
        return False
    return bool(user.id == account.id or is_admin(user))


def can_disable_user(user: Actor, account: Any) -> bool:
    """Disable an account: admins, never their own (so the last admin cannot lock everyone out)."""
    return can_manage_users(user) and account is not None and user.id != account.id


def can_view_person(user: Actor, person: Any) -> bool:
    """See a person's page (their name and organisations, where an @mention leads): any
    logged-in user for an active account; a disabled one only staff and admins."""
    if not is_logged_in(user) or person is None:
        return False
    return bool(person.disabled_at is None or is_staff(user))
