"""A small forum world: a public open group, a members-only group joined on request, another
group with its own moderator, and one user per role of the permission matrix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from covenant_hub.clock import utcnow
from tests.factories import make_group, make_group_member, make_thread, make_user

ROLES = ("anonymous", "member", "nonmember", "other_moderator", "moderator", "staff", "admin")


@dataclass
class ForumWorld:
    public: Any
    closed: Any
    other: Any
    users: dict[str, Any]

    def user(self, role: str) -> Any:
        return self.users.get(role)


def _old(**fields: Any) -> dict[str, Any]:
    """Accounts older than a day, so abuse limits do not apply unless a test wants them."""
    return {"created_at": utcnow() - timedelta(days=30), **fields}


@pytest.fixture
def world(app) -> ForumWorld:
    public = make_group(title="Energy forum", visibility="public", join_policy="open")
    closed = make_group(title="Mayors club", visibility="members", join_policy="request", kind="masterclass")
    other = make_group(title="Other group", visibility="public", join_policy="open", kind="discussion")
    users = {
        "author": make_user(**_old(name="Aigul Author")),
        "member": make_user(**_old(name="Bakyt Member")),
        "nonmember": make_user(**_old(name="Chynara Outsider")),
        "other_moderator": make_user(**_old(name="Daniyar Othermod")),
        "moderator": make_user(**_old(name="Elmira Moderator")),
        "staff": make_user(role="staff", **_old(name="Farida Staff")),
        "admin": make_user(role="admin", **_old(name="Gulnara Admin")),
    }
    for group in (public, closed):
        make_group_member(group, users["author"])
        make_group_member(group, users["member"])
        make_group_member(group, users["moderator"], moderator=True)
    make_group_member(other, users["other_moderator"], moderator=True)
    return ForumWorld(public, closed, other, users)


@pytest.fixture
def closed_thread(world: ForumWorld):
    return make_thread(world.closed, world.users["author"], posts=3, title="Street lights in Karakol")
