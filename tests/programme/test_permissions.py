"""Every programme permission for every role: the matrix is the specification."""

from __future__ import annotations

import pytest

from covenant_hub.programme import permissions as p
from tests.programme.conftest import ROLES

Y, N = True, False
# action -> expected answer per role, in the order of ROLES:
# anonymous, applicant, member, member_admin, supporter_member, supporter_admin, other_admin, staff, admin
MATRIX = {
    "apply": (N, Y, Y, Y, Y, Y, Y, Y, Y),
    "view_application": (N, Y, N, N, N, N, N, Y, Y),
    "review_application": (N, N, N, N, N, N, N, Y, Y),
    "answer_application": (N, Y, N, N, N, N, N, N, N),
    "complete_agreement": (N, Y, N, N, N, N, N, N, N),
    "record_agreement": (N, N, N, N, N, N, N, N, Y),
    "manage_services": (N, N, N, N, N, Y, N, Y, Y),
    "log_activity": (N, N, N, N, Y, Y, N, Y, Y),
    "view_dashboard": (N, N, N, N, Y, Y, N, Y, Y),
    "view_rankings": (N, N, N, N, N, N, N, Y, Y),
    "view_audit": (N, N, N, N, N, N, N, Y, Y),
    "suspend_supporter": (N, N, N, N, N, N, N, N, Y),
    "reinstate_supporter": (N, N, N, N, N, N, N, N, Y),
    "give_feedback_on_member": (N, N, N, N, N, Y, N, N, N),
    "give_feedback_on_stranger": (N, N, N, N, N, N, N, N, N),
    "view_member_feedback": (N, N, Y, Y, N, N, N, Y, Y),
    "set_feedback_consent": (N, N, N, Y, N, N, N, N, N),
}


def _ask(action: str, user, world) -> bool:
    app, sup = world.application, world.supporter
    checks = {
        "apply": lambda: p.can_apply(user),
        "view_application": lambda: p.can_view_application(user, app),
        "review_application": lambda: p.can_review_application(user),
        "answer_application": lambda: p.can_answer_application(user, app),
        "complete_agreement": lambda: p.can_complete_agreement(user, app),
        "record_agreement": lambda: p.can_record_agreement(user),
        "manage_services": lambda: p.can_manage_services(user, sup),
        "log_activity": lambda: p.can_log_activity(user, sup),
        "view_dashboard": lambda: p.can_view_dashboard(user, sup),
        "view_rankings": lambda: p.can_view_rankings(user),
        "view_audit": lambda: p.can_view_audit(user),
        "suspend_supporter": lambda: p.can_suspend_supporter(user, sup),
        "reinstate_supporter": lambda: p.can_reinstate_supporter(user, sup),
        "give_feedback_on_member": lambda: p.can_give_feedback(user, sup, world.town),
        "give_feedback_on_stranger": lambda: p.can_give_feedback(user, sup, world.other),
        "view_member_feedback": lambda: p.can_view_feedback(user, world.town),
        "set_feedback_consent": lambda: p.can_set_feedback_consent(user, world.town),
    }
    return checks[action]()


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_permission_matrix(world, action):
    answers = {role: _ask(action, world.users[role], world) for role in ROLES}
    expected = dict(zip(ROLES, MATRIX[action], strict=True))
    assert answers == expected


def test_supporter_permissions_need_a_supporter(world):
    """Services, dashboard and suspension make no sense on a town, whoever asks."""
    admin = world.users["admin"]
    assert not p.can_manage_services(admin, world.town)
    assert not p.can_log_activity(admin, world.town)
    assert not p.can_suspend_supporter(admin, world.town)


def test_unconfirmed_account_cannot_apply(app):
    from tests.factories import make_user

    assert not p.can_apply(make_user(confirmed=False))
