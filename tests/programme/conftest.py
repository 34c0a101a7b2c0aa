"""A small programme world: a live supporter with a member town, an applicant, and one user
per role of the permission matrix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import make_link, make_org, make_supporter_application, make_user

ROLES = (
    "anonymous",
    "applicant",
    "member",
    "member_admin",
    "supporter_member",
    "supporter_admin",
    "other_admin",
    "staff",
    "admin",
)


@dataclass
class World:
    supporter: Any
    town: Any  # a signatory supported_by the supporter
    other: Any  # an unrelated signatory
    application: Any  # filed by users["applicant"], waiting for review
    users: dict[str, Any]  # role -> User; "anonymous" -> None


@pytest.fixture
def world(app) -> World:
    supporter = make_org(kind="supporter", name="Union of Cities", external_id="union", status="active")
    town = make_org(name="Karakol", external_id="karakol")
    other = make_org(name="Tartu", external_id="tartu", country="ee")
    make_link(town, supporter, "supported_by")
    users: dict[str, Any] = {
        "anonymous": None,
        "applicant": make_user(name="Aibek Applicant", language="ky"),
        "member": make_user(org=town, org_role="member", name="Bakyt Town"),
        "member_admin": make_user(org=town, org_role="org_admin", name="Baktygul Town Admin"),
        "supporter_member": make_user(org=supporter, org_role="member", name="Chynara Worker"),
        "supporter_admin": make_user(org=supporter, org_role="org_admin", name="Dinara Supporter"),
        "other_admin": make_user(org=other, org_role="org_admin", name="Eero Other"),
        "staff": make_user(role="staff", name="Farida Staff"),
        "admin": make_user(role="admin", name="Gulnara Admin"),
    }
    application = make_supporter_application(users["applicant"], network_name="Ысык-Көл тармагы")
    return World(supporter, town, other, application, users)
