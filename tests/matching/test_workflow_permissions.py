"""Permission matrix of the match-request workflow: roles x actions, as functions and over HTTP.

Only the requester's admins (and staff) see proposals; only the invitee's admins answer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.matching import permissions as perm
from covenant_hub.matching import workflow
from covenant_hub.matching.models import ExchangeOutcome, Invitation, MatchRequest
from tests.factories import make_org, make_user
from tests.matching.test_workflow import request_input, seed
from tests.sessions import login

ROLES = ("anonymous", "member", "requester_admin", "invitee_admin", "other_admin", "staff", "admin")
ACTIONS = ("file", "view", "invite", "answer", "outcome", "staff_list")
ALLOWED = {
    "file": {"requester_admin", "staff", "admin"},
    "view": {"requester_admin", "staff", "admin"},
    "invite": {"requester_admin", "staff", "admin"},
    "answer": {"invitee_admin"},
    "outcome": {"requester_admin", "invitee_admin"},
    "staff_list": {"staff", "admin"},
}


class World:
    """Orgs, one user per role, a request with a pending invitation to the supporter and one
    accepted invitation to the coordinator."""

    def __init__(self) -> None:
        orgs = seed()
        self.city, self.supporter, self.coordinator = orgs["city"], orgs["supporter"], orgs["coordinator"]
        other = make_org(name="Other town")
        self.users = {
            "anonymous": None,
            "member": make_user(org=self.city),
            "requester_admin": make_user(org=self.city, org_role="org_admin"),
            "invitee_admin": make_user(org=self.supporter, org_role="org_admin"),
            "other_admin": make_user(org=other, org_role="org_admin"),
            "staff": make_user(role="staff"),
            "admin": make_user(role="admin"),
        }
        make_user(org=self.coordinator, org_role="org_admin")
        filer = self.users["requester_admin"]
        self.request = workflow.file_request(
            self.city, filer, request_input(kinds=["supporter", "coordinator"])
        )
        ids = {p.candidate_id for p in self.request.proposals}
        assert {self.supporter.id, self.coordinator.id} <= ids, "seed must propose both"
        [self.pending] = workflow.invite(self.request, filer, [self.supporter.id], "")
        self.accepted = _accepted_invitation(self)


def _accepted_invitation(world: World) -> Invitation:
    """A second request of the city whose invitation the supporter accepted."""
    other_request = MatchRequest(
        org_id=world.city.id, text="Second need", kinds=["supporter"], sectors=[], languages=[]
    )
    db.session.add(other_request)
    db.session.flush()
    invitation = Invitation(request_id=other_request.id, invitee_id=world.supporter.id, state="pending")
    db.session.add(invitation)
    db.session.commit()
    workflow.answer(invitation, world.users["invitee_admin"], True, "")
    return invitation


@pytest.fixture
def world(app) -> World:
    return World()


def _check(world: World, user, action: str) -> bool:
    return {
        "file": lambda: perm.can_file_request(user, world.city),
        "view": lambda: perm.can_view_request(user, world.request),
        "invite": lambda: perm.can_invite(user, world.request),
        "answer": lambda: perm.can_answer_invitation(user, world.pending),
        "outcome": lambda: perm.can_record_outcome(user, world.accepted),
        "staff_list": lambda: perm.can_view_staff_list(user),
    }[action]()


@pytest.mark.parametrize("role", ROLES)
def test_permission_functions(world, role):
    user = world.users[role]
    for action in ACTIONS:
        assert _check(world, user, action) == (role in ALLOWED[action]), (role, action)


def _step(world: World, user, action: str) -> None:
    """The service behind each writing action, called as `user`, as the page and the API do."""
    side = world.supporter.id if user is world.users["invitee_admin"] else world.city.id
    {
        "file": lambda: workflow.file_request(world.city, user, request_input()),
        "invite": lambda: workflow.invite(world.request, user, [world.coordinator.id], ""),
        "answer": lambda: workflow.answer(world.pending, user, False, ""),
        "outcome": lambda: workflow.record_outcome(world.accepted, user, side, "Tendering", None),
    }[action]()


@pytest.mark.parametrize("action", ("file", "invite", "answer", "outcome"))
@pytest.mark.parametrize("role", ROLES)
def test_the_services_refuse_whom_the_matrix_refuses(world, role, action):
    """The workflow checks the permission itself, so a page and the API cannot disagree."""
    try:
        _step(world, world.users[role], action)
    except workflow.NotAllowed:
        db.session.rollback()
        assert role not in ALLOWED[action], (role, action)
    else:
        assert role in ALLOWED[action], (role, action)


def test_plain_members_see_recommendations_but_not_proposals(world):
    member = world.users["member"]
    assert perm.can_view_recommendations(member, world.city)
    assert not perm.can_view_recommendations(world.users["other_admin"], world.city)
    assert not perm.can_view_recommendations(None, world.city)
    assert not perm.can_view_request(member, world.request)


def _outcome_side(world: World, role: str) -> int:
    return world.supporter.id if role == "invitee_admin" else world.city.id


def _http(client, world: World, role: str, action: str):
    city, req = world.city.external_id, world.request.id
    if action == "file":
        return client.post(
            f"/matching/orgs/{city}/requests/new",
            data={"text": "Biogas", "kinds": ["supporter"], "max_km": "500"},
        )
    if action == "view":
        return client.get(f"/matching/requests/{req}")
    if action == "invite":
        third = next(p.candidate_id for p in world.request.proposals if p.candidate_id != world.supporter.id)
        return client.post(
            f"/matching/requests/{req}/invite", data={"candidates": [str(third)], "message": "Hi"}
        )
    if action == "answer":
        return client.post(
            f"/matching/invitations/{world.pending.id}/answer", data={"accept": "1", "message": "OK"}
        )
    if action == "outcome":
        return client.post(
            f"/matching/invitations/{world.accepted.id}/outcome",
            data={"org": str(_outcome_side(world, role)), "learned": "Tendering", "practice": ""},
        )
    return client.get("/matching/staff")


def _effect(world: World, action: str) -> bool | None:
    """Whether the POST changed the database (None for pages)."""
    count = {
        "file": lambda: db.session.scalar(select(db.func.count()).select_from(MatchRequest)) > 2,
        "invite": lambda: len(db.session.get(MatchRequest, world.request.id).invitations) > 1,
        "answer": lambda: db.session.get(Invitation, world.pending.id).state == "accepted",
        "outcome": lambda: db.session.scalar(select(db.func.count()).select_from(ExchangeOutcome)) > 0,
    }.get(action)
    db.session.expire_all()
    return count() if count else None


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_over_http(client, world, role, action):
    login(client, world.users[role])
    response = _http(client, world, role, action)
    allowed = role in ALLOWED[action]
    if not allowed:
        expected = 302 if role == "anonymous" else 403
        assert response.status_code == expected, (role, action, response.status_code)
        if role == "anonymous":
            assert "/account/login" in response.headers["Location"]
    else:
        assert response.status_code in (200, 302), (role, action, response.status_code)
        if response.status_code == 302:
            assert "/account/login" not in response.headers["Location"]
    effect = _effect(world, action)
    if effect is not None:
        assert effect == allowed, (role, action)
