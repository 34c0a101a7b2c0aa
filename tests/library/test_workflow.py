"""The workflow: each step moves a practice between states, refuses the wrong starting state
with a translated message, and changes nothing when it refuses."""

from __future__ import annotations

import pytest

from covenant_hub.extensions import db
from covenant_hub.library import services
from covenant_hub.library.models import Practice
from covenant_hub.library.services import LibraryError, NotAllowed, PracticeInput
from tests.library.conftest import draft_of
from tests.sessions import login


def _input(**fields):
    values = {
        "title": "Solar roofs",
        "language": "ky",
        "summary": "Күн панелдери",
        "body": "## Эмне жасалды",
        "sectors": ["local_electricity"],
        "tags": ["solar"],
        "results": {"co2_t_per_year": 120.0, "cost_eur": 60000.0},
    }
    values.update(fields)
    return PracticeInput(**values)


def test_full_life_of_a_practice(world):
    author, supporter = world.users["author"], world.users["supporter_admin"]
    practice = services.create_practice(author, world.owner, _input())
    assert practice.state == "draft" and practice.author_id == author.id
    services.submit_practice(author, practice)
    assert practice.state == "submitted"
    services.send_back_practice(supporter, practice, "Please add the cost breakdown.")
    assert practice.state == "draft" and practice.review_note == "Please add the cost breakdown."
    services.update_practice(author, practice, _input(title="Solar roofs, with costs"))
    services.submit_practice(author, practice)
    services.publish_practice(supporter, practice)
    assert practice.state == "published" and practice.published is not None
    assert practice.review_note is None
    services.archive_practice(world.users["staff"], practice)
    assert practice.state == "archived"


@pytest.mark.parametrize(
    "state,step",
    [
        ("draft", "publish"),
        ("draft", "send_back"),
        ("draft", "archive"),
        ("submitted", "submit"),
        ("submitted", "archive"),
        ("published", "submit"),
        ("published", "publish"),
        ("published", "send_back"),
        ("archived", "publish"),
        ("archived", "submit"),
        ("archived", "archive"),
    ],
)
def test_invalid_transitions_are_refused_and_change_nothing(world, state, step):
    practice = draft_of(world, state=state)
    action = {
        "submit": lambda: services.submit_practice(world.users["admin"], practice),
        "publish": lambda: services.publish_practice(world.users["admin"], practice),
        "send_back": lambda: services.send_back_practice(world.users["admin"], practice, "why"),
        "archive": lambda: services.archive_practice(world.users["admin"], practice),
    }[step]
    with pytest.raises(LibraryError) as refused:
        action()
    assert str(refused.value) == services.refusal_message(step) and str(refused.value).startswith("Only")
    db.session.rollback()
    assert db.session.get(Practice, practice.id).state == state


def test_sending_back_needs_a_reason(world):
    practice = draft_of(world, state="submitted")
    with pytest.raises(LibraryError, match="Say why"):
        services.send_back_practice(world.users["staff"], practice, "   ")
    assert practice.state == "submitted"


def test_send_back_without_reason_over_http_flashes_and_keeps_state(world, client):
    practice = draft_of(world, state="submitted")
    login(client, world.users["staff"])
    response = client.post(f"/practices/{practice.id}/send-back", data={"reason": ""}, follow_redirects=True)
    assert "Say why the practice is sent back" in response.text
    db.session.expire_all()
    assert db.session.get(Practice, practice.id).state == "submitted"


def test_invalid_transition_over_http_is_flashed(world, client):
    practice = draft_of(world, state="draft")
    login(client, world.users["staff"])
    response = client.post(f"/practices/{practice.id}/publish", follow_redirects=True)
    assert "Only a practice submitted for review can be published." in response.text


@pytest.mark.parametrize(
    "bad,match",
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"language": "kyrgyz"}, "language"),
        ({"body": "x" * 100_001}, "description"),
        ({"summary": "x" * 2001}, "summary"),
        ({"sectors": ["space_travel"]}, "sector"),
        ({"results": {"co2_t_per_year": -5.0}}, "negative"),
        ({"tags": ["t"] * 0 + [f"tag{i}" for i in range(21)]}, "tags"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(world, bad, match):
    before = db.session.scalar(db.select(db.func.count(Practice.id)))
    with pytest.raises(LibraryError, match=match):
        services.create_practice(world.users["author"], world.owner, _input(**bad))
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Practice.id))) == before


def test_strangers_cannot_create_for_an_organisation(world):
    with pytest.raises(NotAllowed):
        services.create_practice(world.users["other_admin"], world.owner, _input())


def test_a_translation_joins_the_group_of_its_source(world):
    source = draft_of(world, state="published", language="en", title="LED street lights")
    data = _input(title="LED көчө жарыгы", translation_of=source)
    translation = services.create_practice(world.users["author"], world.owner, data)
    assert translation.translation_group == source.translation_group == source.external_id


def test_supporter_links_its_members_as_involved(world):
    practice = draft_of(world, state="published")
    link = services.link_signatory(world.users["supporter_admin"], practice, world.sibling)
    assert link.org_id == world.sibling.id
    with pytest.raises(LibraryError, match="already involved"):
        services.link_signatory(world.users["supporter_admin"], practice, world.sibling)
    with pytest.raises(NotAllowed):
        services.link_signatory(world.users["supporter_admin"], practice, world.other)
    with pytest.raises(NotAllowed):
        services.link_signatory(world.users["owner_admin"], practice, world.sibling)


def test_linking_over_http_shows_the_organisation_on_the_page(world, client):
    practice = draft_of(world, state="published")
    login(client, world.users["supporter_admin"])
    page = client.get(f"/practices/{practice.id}").text
    assert "Add as involved" in page and world.sibling.name in page
    response = client.post(
        f"/practices/{practice.id}/signatories", data={"org": world.sibling.id}, follow_redirects=True
    )
    assert "is now listed as involved" in response.text
    assert f"/orgs/{world.sibling.external_id}" in response.text


@pytest.mark.parametrize(
    "role, offered",
    [
        ("anonymous", False),
        ("member", False),
        ("owner_admin", False),
        ("supporter_admin", True),
        ("other_admin", False),
        ("staff", True),
        ("admin", True),
    ],
)
def test_who_is_offered_organisations_to_list_as_involved(world, role, offered):
    from flask_login import AnonymousUserMixin

    from covenant_hub.library.page import linkable_orgs

    practice = draft_of(world, state="published")
    user = world.users.get(role, AnonymousUserMixin())
    assert [org.id for org in linkable_orgs(user, practice)] == ([world.sibling.id] if offered else [])
