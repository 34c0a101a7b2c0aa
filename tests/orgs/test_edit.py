"""Editing a profile: saving, validation, CSRF."""

from __future__ import annotations

import re

import pytest

from covenant_hub.extensions import db
from tests.factories import make_org, make_user
from tests.sessions import login


@pytest.fixture
def editor(app, client):
    org = make_org(name="Karakol", languages=["ky"], sectors=["waste"])
    login(client, make_user(org=org, org_role="org_admin"))
    return org


def form_data(client, org, **changes):
    """A full, valid form (unit tests run without CSRF, see tests/conftest.py)."""
    data = {
        "description": "Каракол — Ысык-Көл облусунун борбору.",
        "needs": "Күн панелдери",
        "offers": "Эко-туризм",
        "sectors": ["transport", "water"],
        "languages": "ky, RU en",
        "website": "https://example.org/karakol",
    }
    data.update(changes)
    return data


def test_org_admin_saves_the_profile(client, editor):
    response = client.post(f"/orgs/{editor.external_id}/edit", data=form_data(client, editor))
    assert response.status_code == 302
    db.session.refresh(editor)
    assert editor.description == "Каракол — Ысык-Көл облусунун борбору."
    assert editor.sectors == ["transport", "water"] and editor.languages == ["ky", "ru", "en"]
    assert editor.website == "https://example.org/karakol"
    listing = client.get("/orgs/?sector=water").get_data(as_text=True)
    assert "Karakol" in listing


def test_edit_form_is_prefilled(client, editor):
    html = client.get(f"/orgs/{editor.external_id}/edit").get_data(as_text=True)
    assert (
        'value="ky"' in html
        and '<input checked id="sectors-8" name="sectors" type="checkbox" value="waste">' in html
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("website", "javascript:alert(1)", "http:// or https://"),
        ("website", "example.org", "http:// or https://"),
        ("languages", "kyrgyz", "two-letter language codes"),
        ("sectors", ["space"], "not a valid choice"),
        ("needs", "x" * 5001, "5000"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, editor, field, value, message):
    response = client.post(
        f"/orgs/{editor.external_id}/edit", data=form_data(client, editor, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(editor)
    assert editor.description is None and editor.sectors == ["waste"]


def test_csrf_token_is_required(app_config, request):
    app_config["WTF_CSRF_ENABLED"] = True
    client = request.getfixturevalue("client")
    org = request.getfixturevalue("editor")
    html = client.get(f"/orgs/{org.external_id}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = form_data(client, org)
    assert client.post(f"/orgs/{org.external_id}/edit", data=data).status_code == 400
    db.session.refresh(org)
    assert org.description is None
    assert client.post(f"/orgs/{org.external_id}/edit", data={**data, "csrf_token": token}).status_code == 302


def test_the_service_refuses_whom_the_page_refuses(app):
    """update_profile checks can_edit_org itself: no caller can skip the check."""
    from covenant_hub.orgs import services

    org = make_org(name="Tokmok", sectors=["waste"])
    changes = services.ProfileChanges(
        description="Changed", needs=None, offers=None, sectors=[], languages=[], website=None
    )
    for user in (None, make_user(org=org), make_user(org=make_org(name="Other"), org_role="org_admin")):
        with pytest.raises(services.NotAllowed):
            services.update_profile(user, org, changes)
    db.session.rollback()
    assert db.session.get(type(org), org.id).sectors == ["waste"]
    services.update_profile(make_user(org=org, org_role="org_admin"), org, changes)
    assert db.session.get(type(org), org.id).description == "Changed"
