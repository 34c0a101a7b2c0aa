"""The permission matrix: every role against every library action, on the service layer
(which is what views, the API and the CLI all call) and over HTTP."""

from __future__ import annotations

import pytest

from covenant_hub.extensions import db
from covenant_hub.library import permissions
from covenant_hub.library.models import Practice
from tests.factories import make_practice
from tests.library.conftest import ROLES, draft_of
from tests.sessions import login

ALLOWED = {
    # action: roles that may do it (state set up so that only permission decides)
    "create": {"member", "owner_admin", "staff", "admin"},
    "edit_draft": {"owner_admin", "admin"},
    "submit": {"owner_admin", "admin"},
    "publish": {"supporter_admin", "staff", "admin"},
    "send_back": {"supporter_admin", "staff", "admin"},
    "archive": {"owner_admin", "supporter_admin", "staff", "admin"},
    "view_draft": {"member", "owner_admin", "staff", "admin"},
    "view_submitted": {"member", "owner_admin", "supporter_admin", "staff", "admin"},
    "view_published": set(ROLES),
}


def _user(world, role):
    return world.users.get(role)


def _subject(world, action):
    state = {
        "publish": "submitted",
        "send_back": "submitted",
        "archive": "published",
        "view_submitted": "submitted",
        "view_published": "published",
    }.get(action, "draft")
    return draft_of(world, state=state)


def _ask(world, role, action):
    user = _user(world, role)
    if action == "create":
        return permissions.can_create_practice(user, world.owner)
    practice = _subject(world, action)
    check = {
        "edit_draft": permissions.can_edit_practice,
        "submit": permissions.can_submit_practice,
        "publish": permissions.can_review_practice,
        "send_back": permissions.can_review_practice,
        "archive": permissions.can_archive_practice,
    }.get(action, permissions.can_view_practice)
    return check(user, practice)


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, action):
    assert _ask(world, role, action) is (role in ALLOWED[action])


def test_the_author_edits_and_submits_their_own_draft(world):
    practice = draft_of(world)
    author = world.users["author"]
    assert permissions.can_edit_practice(author, practice)
    assert permissions.can_submit_practice(author, practice)
    assert not permissions.can_review_practice(author, practice)


def test_nobody_but_admin_edits_once_submitted(world):
    practice = draft_of(world, state="submitted")
    assert not permissions.can_edit_practice(world.users["author"], practice)
    assert not permissions.can_edit_practice(world.users["owner_admin"], practice)
    assert permissions.can_edit_practice(world.users["admin"], practice)


def test_a_supporter_that_does_not_support_the_owner_cannot_review(world):
    from tests.factories import make_org, make_user

    stranger_supporter = make_org(kind="supporter", name="Far network")
    admin = make_user(org=stranger_supporter, org_role="org_admin")
    practice = draft_of(world, state="submitted")
    assert not permissions.can_review_practice(admin, practice)
    assert not permissions.can_see_review_queue(world.users["other_admin"])
    assert permissions.can_see_review_queue(admin)  # a supporter has a queue, even if empty


def test_disabled_users_lose_every_right(world):
    from covenant_hub.clock import utcnow

    staff = world.users["staff"]
    staff.disabled_at = utcnow()
    db.session.commit()
    assert not permissions.can_review_practice(staff, draft_of(world, state="submitted"))


# Over HTTP: each workflow button for each role, with the resulting state.
HTTP_STEPS = {
    "submit": ("draft", "submitted"),
    "publish": ("submitted", "published"),
    "send-back": ("submitted", "draft"),
    "archive": ("published", "archived"),
}
HTTP_ALLOWED = {
    "submit": ALLOWED["submit"],
    "publish": ALLOWED["publish"],
    "send-back": ALLOWED["send_back"],
    "archive": ALLOWED["archive"],
}


@pytest.mark.parametrize("step", sorted(HTTP_STEPS))
@pytest.mark.parametrize("role", ROLES)
def test_workflow_buttons_over_http(world, client, role, step):
    before, after = HTTP_STEPS[step]
    practice = draft_of(world, state=before)
    login(client, _user(world, role))
    response = client.post(f"/practices/{practice.id}/{step}", data={"reason": "Add the cost figure."})
    db.session.expire_all()
    state = db.session.get(Practice, practice.id).state
    if role in HTTP_ALLOWED[step]:
        assert response.status_code == 302 and state == after
    else:
        visible = permissions.can_view_practice(_user(world, role), practice)
        expected = 302 if role == "anonymous" else (403 if visible else 404)
        assert response.status_code == expected and state == before


@pytest.mark.parametrize("role", ROLES)
def test_edit_page_over_http(world, client, role):
    practice = draft_of(world)
    login(client, _user(world, role))
    response = client.post(
        f"/practices/{practice.id}/edit", data={"title": "Changed title", "language": "ky"}
    )
    db.session.expire_all()
    title = db.session.get(Practice, practice.id).title
    if role in ALLOWED["edit_draft"]:
        assert response.status_code == 302 and title == "Changed title"
    else:
        assert response.status_code in (302, 403, 404) and title != "Changed title"
        if role == "anonymous":
            assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_draft_page_visibility_over_http(world, client, role):
    practice = draft_of(world, title="Secret draft")
    login(client, _user(world, role))
    response = client.get(f"/practices/{practice.id}")
    if role in ALLOWED["view_draft"]:
        assert response.status_code == 200 and "Secret draft" in response.text
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_create_over_http(world, client, role):
    login(client, _user(world, role))
    response = client.post(
        "/practices/new",
        data={
            "org_id": world.owner.id,
            "title": "Solar roofs on schools",
            "language": "en",
            "summary": "s",
            "body": "b",
            "sectors": ["municipal_buildings"],
            "tags": "solar, schools",
        },
    )
    created = db.session.scalar(db.select(Practice).where(Practice.title == "Solar roofs on schools"))
    if role in ("member", "owner_admin"):
        assert response.status_code == 302 and created is not None
        assert created.state == "draft" and created.tags == ["solar", "schools"]
    else:
        # Staff belong to no organisation, so the form offers them none to write for.
        assert created is None


def test_review_queue_lists_only_what_the_reviewer_may_decide(world, client):
    mine = draft_of(world, state="submitted", title="Queue item from Karakol")
    make_practice(world.other, state="submitted", title="Queue item from Tartu")
    login(client, world.users["supporter_admin"])
    page = client.get("/practices/review").text
    assert mine.title in page and "Queue item from Tartu" not in page
    staff_client = login(client.application.test_client(), world.users["staff"])
    staff_page = staff_client.get("/practices/review").text
    assert "Queue item from Tartu" in staff_page and mine.title in staff_page
    assert 'href="/practices/review"' in staff_client.get("/practices/").text
    member_client = login(client.application.test_client(), world.users["member"])
    assert 'href="/practices/review"' not in member_client.get("/practices/").text
    assert member_client.get("/practices/review").status_code == 403
