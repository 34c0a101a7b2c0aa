"""The accounts permission matrix: every role against every action."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from covenant_hub.accounts import permissions
from tests.factories import make_org, make_user

ROLES = ("anonymous", "member", "org_admin", "staff", "admin", "disabled_admin")

# action -> the roles allowed to do it
MATRIX = {
    "is_logged_in": {"member", "org_admin", "staff", "admin"},
    "is_staff": {"staff", "admin"},
    "is_admin": {"admin"},
    "can_manage_users": {"admin"},
    "can_view_user_list": {"staff", "admin"},
    "can_edit_other_account": {"admin"},
    "can_edit_own_account": {"member", "org_admin", "staff", "admin"},
    "can_disable_other_user": {"admin"},
    "can_disable_self": set(),
    "can_view_person": {"member", "org_admin", "staff", "admin"},
    "can_view_disabled_person": {"staff", "admin"},
}


def actor(role: str):
    if role == "anonymous":
        return AnonymousUserMixin()
    if role == "org_admin":
        return make_user(org=make_org(), org_role="org_admin")
    if role == "disabled_admin":
        from covenant_hub.clock import utcnow

        return make_user(role="admin", disabled_at=utcnow())
    return make_user(role=role)


def _disabled(account):
    from covenant_hub.clock import utcnow

    account.disabled_at = utcnow()
    return account


def decide(action: str, user, other) -> bool:
    checks = {
        "can_edit_other_account": lambda: permissions.can_edit_account(user, other),
        "can_edit_own_account": lambda: permissions.can_edit_account(user, user),
        "can_disable_other_user": lambda: permissions.can_disable_user(user, other),
        "can_disable_self": lambda: permissions.can_disable_user(user, user),
        "can_view_person": lambda: permissions.can_view_person(user, other),
        "can_view_disabled_person": lambda: permissions.can_view_person(user, _disabled(other)),
    }
    if action in checks:
        return checks[action]()
    return getattr(permissions, action)(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_permission_matrix(app, role, action):
    user = actor(role)
    other = make_user()
    assert decide(action, user, other) is (role in MATRIX[action])


def test_checks_accept_none():
    assert not permissions.is_logged_in(None)
    assert not permissions.can_manage_users(None)
