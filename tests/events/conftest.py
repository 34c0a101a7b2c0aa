"""A small world for events tests: a supporter, a signatory, and one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import make_org, make_user

ROLES = ("anonymous", "member", "supporter_admin", "signatory_admin", "staff", "admin")


@dataclass
class World:
    supporter: Any
    signatory: Any
    other_supporter: Any
    users: dict[str, Any]  # role -> User; no entry for "anonymous"

    def user(self, role: str) -> Any:
        return self.users.get(role)


@pytest.fixture
def world(app) -> World:
    supporter = make_org(
        kind="supporter", name="Кыргызстандын шаарлар союзу", country="kg", external_id="kg-union"
    )
    signatory = make_org(name="Tokmok", country="kg", external_id="tokmok")
    other = make_org(kind="supporter", name="Kazakh Cities Network", country="kz", external_id="kz-net")
    users = {
        "member": make_user(org=supporter, org_role="member", name="Member"),
        "supporter_admin": make_user(org=supporter, org_role="org_admin", name="Supporter Admin"),
        "signatory_admin": make_user(org=signatory, org_role="org_admin", name="Signatory Admin"),
        "staff": make_user(role="staff", name="Staff"),
        "admin": make_user(role="admin", name="Admin"),
    }
    return World(supporter, signatory, other, users)


class Anonymous:
    is_authenticated = False
    is_active = False
    is_staff = False
    is_admin = False
    memberships: list = []


def as_user(world: World, role: str) -> Any:
    return world.user(role) or Anonymous()
