"""The job queue's permission matrix: every role against every action, as functions and over HTTP."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.jobs import permissions
from covenant_hub.jobs.models import MailDelivery
from tests.factories import make_org, make_user
from tests.sessions import login

ROLES = ("anonymous", "member", "org_admin", "staff", "admin", "disabled_admin")
# action -> the roles allowed to do it
MATRIX = {
    "can_view_job_queue": {"staff", "admin"},
    "can_retry_jobs": {"staff", "admin"},
}


def actor(role: str):
    if role == "anonymous":
        return AnonymousUserMixin()
    if role == "org_admin":
        return make_user(org=make_org(), org_role="org_admin")
    if role == "disabled_admin":
        return make_user(role="admin", disabled_at=utcnow())
    return make_user(role=role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_permission_functions(app, role, action):
    assert getattr(permissions, action)(actor(role)) is (role in MATRIX[action])


def test_nobody_is_no_one(app):
    assert permissions.can_view_job_queue(None) is False
    assert permissions.can_retry_jobs(None) is False


def _failed_row() -> MailDelivery:
    row = MailDelivery(key="t:1", kind="test", recipient="x@example.org", subject="Hi", text="Hi")
    row.message_id, row.state, row.attempts, row.last_error = "<1@x>", "failed", 6, "SMTPDataError: 421 busy"
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize("role", ROLES)
def test_the_page_and_the_retry_button_over_http(app, client, role):
    row = _failed_row()
    user = actor(role)
    login(client, None if role == "anonymous" else user)
    page = client.get("/staff/jobs/")
    retry = client.post("/staff/jobs/retry", data={"delivery": str(row.id)})
    db.session.refresh(row)
    if role in MATRIX["can_view_job_queue"]:
        assert page.status_code == 200
        assert "SMTPDataError: 421 busy" in page.get_data(as_text=True)  # the reason is shown
        assert retry.status_code == 302
        assert row.state in ("queued", "sent")  # queued again (the test queue runs it at once)
    else:
        assert page.status_code in (302, 403)  # anonymous and disabled go to the login page
        assert retry.status_code in (302, 403)
        assert row.state == "failed"


def test_retrying_a_delivery_that_is_not_failed_says_so_and_changes_nothing(app, client):
    row = _failed_row()
    row.state = "sent"
    db.session.commit()
    login(client, make_user(role="staff"))
    page = client.post("/staff/jobs/retry", data={"delivery": str(row.id)}, follow_redirects=True)
    assert "nothing was queued again" in page.get_data(as_text=True)
    db.session.refresh(row)
    assert row.state == "sent"
    bad = client.post("/staff/jobs/retry", data={"delivery": "abc"}, follow_redirects=True)
    assert "does not exist" in bad.get_data(as_text=True)
