"""Invitations to organisations nobody runs go to their supporter or coordinator (or staff), who
answer them; unanswered ones are reminded after 7 days and expire after 30, as of a given `now`."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from covenant_hub.accounts.notifications import Notification
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.matching import permissions as perm
from covenant_hub.matching import workflow
from covenant_hub.matching.reminders import remind_invitations
from tests.factories import make_user
from tests.matching.test_workflow import request_input, seed
from tests.sessions import login


def _kinds(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


def _invite(orgs, target):
    admin = make_user(org=orgs["city"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input(kinds=["signatory", "supporter"]))
    proposed = {p.candidate_id for p in request.proposals}
    assert target.id in proposed
    [invitation] = workflow.invite(request, admin, [target.id], "Can you help?")
    return admin, invitation


def test_an_invitation_to_an_unrun_city_goes_to_its_supporter_who_answers(app):
    orgs = seed()
    steward = make_user(org=orgs["supporter"], org_role="org_admin")
    staff = make_user(role="staff")
    neighbour = orgs["neighbours"][0]
    requester, invitation = _invite(orgs, neighbour)
    assert "match_invite" in _kinds(steward) and _kinds(staff) == []
    assert perm.can_answer_invitation(steward, invitation)
    assert not perm.can_answer_invitation(staff, invitation)
    workflow.answer(invitation, steward, True, "We answer for them")
    assert invitation.state == "accepted"
    assert "match_accepted" in _kinds(requester)


def test_the_request_page_says_who_answers_before_inviting(app, client):
    orgs = seed()
    make_user(org=orgs["supporter"], org_role="org_admin")
    admin = make_user(org=orgs["city"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input(kinds=["signatory", "supporter"]))
    login(client, admin)
    page = client.get(f"/matching/requests/{request.id}").get_data(as_text=True)
    assert "no active administrator" in page


def test_once_the_city_has_an_admin_only_it_answers(app):
    orgs = seed()
    steward = make_user(org=orgs["supporter"], org_role="org_admin")
    neighbour = orgs["neighbours"][0]
    own = make_user(org=neighbour, org_role="org_admin")
    _requester, invitation = _invite(orgs, neighbour)
    assert perm.can_answer_invitation(own, invitation)
    assert not perm.can_answer_invitation(steward, invitation)


def test_reminded_after_seven_days_once_and_expired_after_thirty(app):
    orgs = seed()
    invitee_admin = make_user(org=orgs["supporter"], org_role="org_admin")
    requester, invitation = _invite(orgs, orgs["supporter"])
    sent = invitation.created_at
    assert remind_invitations(sent + timedelta(days=6)).as_dict() == {"reminded": [], "expired": []}
    assert remind_invitations(sent + timedelta(days=7)).reminded == [invitation.id]
    assert remind_invitations(sent + timedelta(days=8)).reminded == []
    assert _kinds(invitee_admin).count("match_remind") == 1
    report = remind_invitations(sent + timedelta(days=30))
    assert report.expired == [invitation.id]
    assert invitation.state == "expired"
    assert "match_expired" in _kinds(requester)
    assert not perm.can_answer_invitation(invitee_admin, invitation)


def test_answered_invitations_are_left_alone(app):
    orgs = seed()
    invitee_admin = make_user(org=orgs["supporter"], org_role="org_admin")
    _requester, invitation = _invite(orgs, orgs["supporter"])
    workflow.answer(invitation, invitee_admin, False, "No")
    report = remind_invitations(invitation.created_at + timedelta(days=40))
    assert report.as_dict() == {"reminded": [], "expired": []} and invitation.state == "declined"


def test_cli_remind_json(app):
    orgs = seed()
    make_user(org=orgs["supporter"], org_role="org_admin")
    _requester, invitation = _invite(orgs, orgs["supporter"])
    later = (utcnow() + timedelta(days=31)).isoformat()
    result = app.test_cli_runner().invoke(args=["orgs", "remind", "--json", "--now", later])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"reminded": [], "expired": [invitation.id]}
