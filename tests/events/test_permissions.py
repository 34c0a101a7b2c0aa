"""The permission matrix: every role against every action, as functions and over HTTP."""

from __future__ import annotations

import pytest

from covenant_hub.events import permissions
from covenant_hub.events.models import Event, NewsItem
from covenant_hub.extensions import db
from tests.events.conftest import ROLES, as_user
from tests.factories import make_event, make_news
from tests.sessions import login

# role -> (write news/events at all, edit the supporter's items, edit site items, preview newsletter)
EXPECTED = {
    "anonymous": (False, False, False, False),
    "member": (False, False, False, False),
    "supporter_admin": (True, True, False, False),
    "signatory_admin": (False, False, False, False),
    "staff": (True, True, True, True),
    "admin": (True, True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_functions(world, role):
    user = as_user(world, role)
    create, edit_supporter, edit_site, preview = EXPECTED[role]
    supporter_news = make_news(world.supporter, state="draft", published_at=None)
    site_news = make_news(None, state="draft", published_at=None)
    supporter_event = make_event(world.supporter, state="draft")
    site_event = make_event(None, state="draft")
    assert permissions.can_create_news(user) is create
    assert permissions.can_create_event(user) is create
    assert permissions.can_edit_news(user, supporter_news) is edit_supporter
    assert permissions.can_publish_news(user, supporter_news) is edit_supporter
    assert permissions.can_edit_event(user, supporter_event) is edit_supporter
    assert permissions.can_publish_event(user, supporter_event) is edit_supporter
    assert permissions.can_edit_news(user, site_news) is edit_site
    assert permissions.can_edit_event(user, site_event) is edit_site
    assert permissions.can_view_news(user, supporter_news) is edit_supporter  # a draft
    assert permissions.can_view_event(user, site_event) is edit_site
    assert permissions.can_preview_newsletter(user) is preview
    published = make_news(world.supporter)
    assert permissions.can_view_news(user, published) is True


def test_supporter_admin_cannot_write_for_another_supporter(world):
    user = world.user("supporter_admin")
    assert permissions.can_write_for(user, world.other_supporter.id) is False
    assert permissions.can_write_for(user, None) is False  # the site's own voice is staff's


def test_suspended_supporter_cannot_write(world):
    world.supporter.status = "suspended"
    db.session.commit()
    assert permissions.can_create_news(world.user("supporter_admin")) is False


@pytest.mark.parametrize("role", ROLES)
def test_http_matrix(world, client, role):
    create, edit_supporter, _, preview = EXPECTED[role]
    login(client, world.user(role))
    draft = make_news(world.supporter, state="draft", published_at=None)
    event = make_event(world.supporter, state="draft")
    expected_new = 200 if create else (302 if role == "anonymous" else 403)
    assert client.get("/news/new").status_code == expected_new
    assert client.get("/events/new").status_code == expected_new
    assert client.get(f"/news/{draft.id}").status_code == (200 if edit_supporter else 404)
    assert client.get(f"/events/{event.id}").status_code == (200 if edit_supporter else 404)
    response = client.post(f"/news/{draft.id}/publish")
    db.session.expire_all()
    assert (db.session.get(NewsItem, draft.id).state == "published") is edit_supporter
    assert response.status_code in (302, 404)
    client.post(f"/events/{event.id}/publish")
    db.session.expire_all()
    assert (db.session.get(Event, event.id).state == "published") is edit_supporter
    expected_issues = 200 if preview else (302 if role == "anonymous" else 403)
    assert client.get("/newsletter/issues").status_code == expected_issues
