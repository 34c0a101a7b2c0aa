"""A small world for library tests: an owner town, its supporter, another town, and one user
per role of the permission matrix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import make_link, make_org, make_practice, make_user


@dataclass
class World:
    owner: Any
    supporter: Any
    sibling: Any  # another member of the same supporter
    other: Any
    users: dict[str, Any]  # role name -> User (no entry for "anonymous")


ROLES = ("anonymous", "member", "owner_admin", "supporter_admin", "other_admin", "staff", "admin")


@pytest.fixture
def world(app) -> World:
    owner = make_org(name="Karakol", population=80_000, country="kg")
    supporter = make_org(kind="supporter", name="Union of Local Self-Government", country="kg")
    sibling = make_org(name="Naryn", population=40_000, country="kg")
    other = make_org(name="Tartu", country="ee")
    make_link(owner, supporter, "supported_by")
    make_link(sibling, supporter, "supported_by")
    users = {
        "author": make_user(org=owner, org_role="member", name="Aigul Author"),
        "member": make_user(org=owner, org_role="member", name="Bakyt Member"),
        "owner_admin": make_user(org=owner, org_role="org_admin", name="Cholpon Admin"),
        "supporter_admin": make_user(org=supporter, org_role="org_admin", name="Dinara Supporter"),
        "other_admin": make_user(org=other, org_role="org_admin", name="Eero Other"),
        "staff": make_user(role="staff", name="Farida Staff"),
        "admin": make_user(role="admin", name="Gulnara Admin"),
    }
    return World(owner, supporter, sibling, other, users)


def draft_of(world: World, **fields: Any):
    """A draft written by the world's author for the owner town."""
    values = {"state": "draft", "published": None, "author_id": world.users["author"].id}
    values.update(fields)
    return make_practice(world.owner, **values)
