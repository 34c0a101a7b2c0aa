"""Who may view and edit which organisation: the matrix over HTTP and as function calls."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from covenant_hub.extensions import db
from covenant_hub.orgs.permissions import can_edit_org, can_manage_members, can_view_org
from tests.factories import make_org, make_user
from tests.sessions import login

ROLES = ("anonymous", "member_of_a", "org_admin_of_a", "org_admin_of_b", "staff", "admin")
# role -> (view A, edit A, edit B)
EXPECTED = {
    "anonymous": (True, False, False),
    "member_of_a": (True, False, False),
    "org_admin_of_a": (True, True, False),
    "org_admin_of_b": (True, False, True),
    "staff": (True, True, True),
    "admin": (True, True, True),
}


@pytest.fixture
def world(app):
    a, b = make_org(name="Town A"), make_org(name="Town B")
    users = {
        "anonymous": None,
        "member_of_a": make_user(org=a, org_role="member"),
        "org_admin_of_a": make_user(org=a, org_role="org_admin"),
        "org_admin_of_b": make_user(org=b, org_role="org_admin"),
        "staff": make_user(role="staff"),
        "admin": make_user(role="admin"),
    }
    return a, b, users


@pytest.mark.parametrize("role", ROLES)
def test_matrix_as_functions(world, role):
    a, b, users = world
    user = users[role] or AnonymousUserMixin()
    assert (can_view_org(user, a), can_edit_org(user, a), can_edit_org(user, b)) == EXPECTED[role]
    assert can_manage_members(user, a) == EXPECTED[role][1]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_over_http(client, world, role):
    a, b, users = world
    login(client, users[role])
    view_a = client.get(f"/orgs/{a.external_id}").status_code == 200
    edit_a = client.get(f"/orgs/{a.external_id}/edit").status_code
    edit_b = client.get(f"/orgs/{b.external_id}/edit").status_code
    assert (view_a, edit_a == 200, edit_b == 200) == EXPECTED[role]
    assert {edit_a, edit_b} <= {200, 403}


def test_refused_post_changes_nothing(app, client, world):
    a, b, users = world
    login(client, users["org_admin_of_b"])
    response = client.post(f"/orgs/{a.external_id}/edit", data={"description": "Hijacked"})
    assert response.status_code == 403
    db.session.refresh(a)
    assert a.description is None


def test_edit_link_only_for_editors(client, world):
    a, _b, users = world
    login(client, users["member_of_a"])
    assert "/edit" not in client.get(f"/orgs/{a.external_id}").get_data(as_text=True)
    login(client, users["org_admin_of_a"])
    assert f"/orgs/{a.external_id}/edit" in client.get(f"/orgs/{a.external_id}").get_data(as_text=True)
