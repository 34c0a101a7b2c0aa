"""Joining, claiming, deciding, managing members, reviewing and acting: every action for every
role, as function calls and over HTTP, on an organisation that has an admin (A), one that has
none but a supporter (U), one with neither (O) and a pending one (P)."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from covenant_hub.orgs import permissions as perm
from tests.factories import make_group, make_group_member, make_link, make_org, make_user
from tests.sessions import login

ROLES = ("anonymous", "member", "org_admin", "other_admin", "supporter_admin", "moderator", "staff")


@pytest.fixture
def world(app):
    a, b = make_org(name="Town A"), make_org(name="Town B")
    supporter = make_org(name="Network S", kind="supporter")
    unrun, orphan = make_org(name="Town U"), make_org(name="Town O")
    make_link(unrun, supporter, "supported_by")
    users = {
        "anonymous": None,
        "member": make_user(org=a, org_role="member"),
        "org_admin": make_user(org=a, org_role="org_admin"),
        "other_admin": make_user(org=b, org_role="org_admin"),
        "supporter_admin": make_user(org=supporter, org_role="org_admin"),
        "moderator": make_user(),
        "staff": make_user(role="staff"),
    }
    make_group_member(make_group(), users["moderator"], moderator=True)
    pending = make_org(name="New Town P", review_state="pending", created_by_id=users["member"].id)
    return {"A": a, "U": unrun, "O": orphan, "P": pending}, users


# role -> expected answer, per (permission, organisation)
EXPECTED = {
    ("request", "A"): (False, True, False, True, True, True, True),
    ("request", "P"): (False, False, False, False, False, False, False),
    ("decide", "A"): (False, False, True, False, False, False, False),
    ("decide", "U"): (False, False, False, False, True, False, True),
    ("decide", "O"): (False, False, False, False, False, False, True),
    ("speak", "A"): (False, False, True, False, False, False, False),
    ("speak", "U"): (False, False, False, False, True, False, False),
    ("speak", "O"): (False, False, False, False, False, False, True),
    ("manage", "A"): (False, False, True, False, False, False, True),
    ("audit", "A"): (False, False, True, False, False, False, True),
    ("act", "A"): (False, True, True, False, False, False, False),
    ("view", "P"): (False, True, False, False, False, False, True),
    ("view", "A"): (True, True, True, True, True, True, True),
}
CHECKS = {
    "request": perm.can_request_membership,
    "decide": perm.can_decide_membership,
    "speak": perm.can_speak_for,
    "manage": perm.can_manage_members,
    "audit": perm.can_view_audit,
    "act": perm.can_act_as,
    "view": perm.can_view_org,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("check,org_key", sorted(EXPECTED))
def test_matrix_as_functions(world, role, check, org_key):
    orgs, users = world
    user = users[role] or AnonymousUserMixin()
    assert CHECKS[check](user, orgs[org_key]) == EXPECTED[check, org_key][ROLES.index(role)]


@pytest.mark.parametrize("role", ROLES)
def test_review_is_staff_only(world, role):
    _orgs, users = world
    assert perm.can_review_organisations(users[role] or AnonymousUserMixin()) == (role == "staff")


def _allowed(response) -> bool:
    assert response.status_code in (200, 302, 403, 404), response.status_code
    return response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_matrix_over_http(client, world, role):
    orgs, users = world
    login(client, users[role])
    i = ROLES.index(role)
    a, u, p = orgs["A"], orgs["U"], orgs["P"]
    assert _allowed(client.get(f"/orgs/{a.external_id}/join")) == EXPECTED["request", "A"][i]
    assert _allowed(client.get(f"/orgs/{a.external_id}/requests")) == EXPECTED["decide", "A"][i]
    assert _allowed(client.get(f"/orgs/{u.external_id}/requests")) == EXPECTED["decide", "U"][i]
    assert _allowed(client.get(f"/orgs/{a.external_id}/members")) == EXPECTED["manage", "A"][i]
    assert _allowed(client.get(f"/orgs/{p.external_id}")) == EXPECTED["view", "P"][i]
    assert _allowed(client.get("/staff/organisations")) == (role == "staff")
    assert _allowed(client.get("/staff/claims")) == (role == "staff")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "staff"])
def test_refused_review_changes_nothing(client, world, role):
    orgs, users = world
    login(client, users[role])
    pending = orgs["P"]
    response = client.post(f"/staff/organisations/{pending.id}/approve")
    assert response.status_code in (302, 403)
    from covenant_hub.extensions import db

    db.session.refresh(pending)
    assert pending.review_state == "pending"
