"""Hostile input on every route answers 4xx, never 500: ids past the database's integer range,
huge page numbers, NUL bytes, control characters, lone surrogates, invalid UTF-8, wrong JSON types,
deep JSON and oversized bodies. The requests are built from the URL map (see hostile.py)."""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.forum.models import Post
from covenant_hub.inputs import clean_text
from covenant_hub.matching.models import MatchRequest
from tests.factories import make_group_member, make_thread
from tests.security import hostile
from tests.security.world import SecurityWorld
from tests.sessions import login

VISITORS = ("anonymous", "member", "admin")


@pytest.fixture
def app_config(app_config):
    """Unexpected exceptions become the 500 page a visitor would get, so a run counts them all."""
    return {**app_config, "PROPAGATE_EXCEPTIONS": False}


@pytest.fixture
def world(app: Flask) -> SecurityWorld:
    return SecurityWorld(app)


def as_visitor(client: FlaskClient, world: SecurityWorld, who: str) -> FlaskClient:
    """Log in as `who` for every request `status` sends (a fuzzed POST may have logged out)."""
    client.visitor = world.users.get(who)  # type: ignore[attr-defined]
    login(client, client.visitor)  # type: ignore[attr-defined]
    db.session.commit()
    return client


def status(client: FlaskClient, method: str, url: str, **body: object) -> int:
    """The status of one request by the client's visitor. The app context (and so the session)
    outlives the request in tests; ending its transaction keeps the search index's rebuild
    thread from waiting on it."""
    login(client, getattr(client, "visitor", None))
    code = client.open(url, method=method, **body).status_code
    db.session.commit()
    return code


def get_urls(app: Flask, world: SecurityWorld) -> list[str]:
    values = world.arguments()
    return [route.url(values) for route in hostile.routes(app, {"GET"})] + ["/feeds/news.atom"]


def server_errors(answers: Iterable[tuple[str, int]]) -> list[str]:
    return [f"{where}: {code}" for where, code in answers if hostile.is_server_error(where, code)]


@pytest.mark.parametrize("who", VISITORS)
def test_ids_outside_the_database_range_are_not_found(app, client, world, who):
    as_visitor(client, world, who)
    values = world.arguments()
    answers = {}
    for route in hostile.routes(app):
        for name in route.int_arguments():
            for number in hostile.INT_LIMITS:
                url = route.url(values, **{name: number})
                answers[f"{route.method} {url}"] = status(client, route.method, url)
    assert len(answers) > 150
    assert {where: code for where, code in answers.items() if code != 404} == {}


def test_huge_and_malformed_numbers_in_query_strings_fail_nowhere(app, client, world):
    """As an admin, who gets past every permission check to the views' own parsing."""
    as_visitor(client, world, "admin")
    values = world.arguments()
    urls = [
        f"{route.url(values)}?{query}"
        for route in hostile.routes(app, {"GET"})
        for query in hostile.query_strings(hostile.QUERY_NUMBERS)
    ]
    answers = [(url, status(client, "GET", url)) for url in urls]
    assert server_errors(answers) == []


@pytest.mark.parametrize("who", ["member", "admin"])
def test_huge_numbers_in_every_form_field_fail_nowhere(app, client, world, who):
    as_visitor(client, world, who)
    values = world.arguments()
    form = hostile.hostile_form(hostile.HUGE)
    answers = [
        (route.url(values), status(client, "POST", route.url(values), data=form))
        for route in hostile.routes(app, {"POST"})
    ]
    assert server_errors(answers) == []


def test_no_route_takes_an_unbounded_int(app):
    """Ids and numbers in paths go through the bounded `id` converter (see covenant_hub.inputs)."""
    assert [rule.rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule] == []


@pytest.mark.parametrize("who", ["member", "admin"])
def test_control_characters_and_long_text_in_every_form_field_fail_nowhere(app, client, world, who):
    as_visitor(client, world, who)
    values = world.arguments()
    answers = []
    for route in hostile.routes(app, {"POST"}):
        url = route.url(values)
        answers += [
            (url, status(client, "POST", url, data=hostile.hostile_form(text))) for text in hostile.TEXTS
        ]
        answers += [
            (
                url,
                status(
                    client,
                    "POST",
                    url,
                    data=hostile.raw_form(encoded),
                    content_type="application/x-www-form-urlencoded",
                ),
            )
            for encoded in hostile.QUERY_TEXTS
        ]
    # What the forms stored is shown again: pages, feeds, calendars and the API read it back.
    answers += [(url, status(client, "GET", url)) for url in get_urls(app, world)]
    assert server_errors(answers) == []


def test_control_characters_and_invalid_utf8_in_query_strings_fail_nowhere(app, client, world):
    as_visitor(client, world, "admin")
    values = world.arguments()
    urls = [
        f"{route.url(values)}?{query}"
        for route in hostile.routes(app, {"GET"})
        for query in hostile.query_strings(hostile.QUERY_TEXTS)
    ]
    answers = [(url, status(client, "GET", url)) for url in urls]
    assert server_errors(answers) == []


def test_text_loses_control_characters_and_lone_surrogates_but_keeps_tabs_and_newlines():
    assert clean_text("a\x00b\x01\x07\x1bc\td\ne\r\nf") == "abc\td\ne\r\nf"
    assert clean_text("x\ud800y\udfffz") == "x\ufffdy\ufffdz"
    assert clean_text("Бишкек \U0001f600 \uffff") == "Бишкек \U0001f600 "
    text = "plain text"
    assert clean_text(text) is text


def test_a_reply_with_nul_and_controls_is_stored_clean_and_its_feed_still_renders(app, client, world):
    make_group_member(world.public_group, world.author)
    thread = make_thread(world.public_group, author=world.author)
    as_visitor(client, world, "member")
    client.post(f"/forum/t/{thread.id}/reply", data={"body": "Solar\x00 roofs\x07\x1b[31m\tfor\nschools"})
    body = db.session.scalar(select(Post.body).where(Post.thread_id == thread.id).order_by(Post.id.desc()))
    assert body == "Solar roofs[31m\tfor\nschools"
    feed = client.get(f"/forum/g/{world.public_group.id}/feed.rss")
    assert feed.status_code == 200
    ElementTree.fromstring(feed.data)


def test_a_lone_surrogate_in_json_is_stored_as_a_replacement_character(app, client, world):
    as_visitor(client, world, "requester_admin")
    org = world.city.external_id
    body = '{"org": "' + org + '", "text": "LED street\\ud800 lights\\u0000", "kinds": ["supporter"]}'
    response = client.post("/api/v1/match-requests", data=body, content_type="application/json")
    assert response.status_code == 201
    assert response.get_json()["text"] == "LED street\ufffd lights"


def test_feeds_of_text_stored_before_the_cleaning_still_render(app, client, world):
    """Rows imported or written before requests were cleaned may hold controls; feeds skip them."""
    make_thread(world.public_group, author=world.author, title="Old\x00 thread\x0b title")
    db.session.commit()
    feed = client.get(f"/forum/g/{world.public_group.id}/feed.atom")
    assert feed.status_code == 200
    assert "Old thread title" in feed.get_data(as_text=True)


@pytest.mark.parametrize("who", ["member", "admin"])
def test_deep_and_broken_json_on_every_post_route_fails_nowhere(app, client, world, who):
    as_visitor(client, world, who)
    values = world.arguments()
    answers = [
        (
            f"{route.url(values)} {body[:12]!r}",
            status(client, "POST", route.url(values), data=body, content_type="application/json"),
        )
        for route in hostile.routes(app, {"POST"})
        for body in hostile.JSON_BODIES[:-1]
    ]
    assert server_errors(answers) == []


@pytest.mark.parametrize(
    "body", hostile.JSON_BODIES[:5], ids=["deep-array", "deep-object", "past-limit", "broken", "not-utf8"]
)
def test_the_api_answers_unreadable_json_with_a_400_in_its_envelope_and_language(app, client, world, body):
    as_visitor(client, world, "requester_admin")
    response = client.post("/api/v1/match-requests?lang=ru", data=body, content_type="application/json")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == 400 and "JSON" in error["message"] and "Отправьте" in error["message"]


def test_the_api_answers_an_oversized_json_body_with_a_413(app, client, world):
    as_visitor(client, world, "requester_admin")
    response = client.post(
        "/api/v1/match-requests", data=hostile.JSON_BODIES[-1], content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == 413


@pytest.mark.parametrize("who", ["member", "admin"])
def test_json_of_the_wrong_types_on_every_post_route_fails_nowhere(app, client, world, who):
    as_visitor(client, world, who)
    values = world.arguments()
    answers = [
        (f"{route.url(values)} {str(body)[:30]}", status(client, "POST", route.url(values), json=body))
        for route in hostile.routes(app, {"POST"})
        for body in hostile.wrong_json_types()
    ]
    assert server_errors(answers) == []


@pytest.mark.parametrize(
    "body",
    [
        [],
        ["org", "text"],
        7,
        "text",
        {"org": ["kant"]},
        {"text": 5},
        {"kinds": "supporter"},
        {"max_km": "far"},
        {"languages": [1]},
    ],
)
def test_the_api_answers_json_of_the_wrong_types_with_a_400_and_writes_nothing(app, client, world, body):
    as_visitor(client, world, "requester_admin")
    if isinstance(body, dict) and "org" not in body:
        body = {"org": world.city.external_id, **body}
    before = db.session.scalar(select(func.count(MatchRequest.id)))
    response = client.post("/api/v1/match-requests", json=body)
    assert response.status_code in (400, 404)
    assert set(response.get_json()["error"]) == {"code", "message", "fields"}
    assert db.session.scalar(select(func.count(MatchRequest.id))) == before


@pytest.mark.parametrize("body", [["t:1", "title"], {"target": ["t:1"], "body": 5}])
def test_the_draft_autosave_refuses_json_of_the_wrong_types(app, client, world, body):
    as_visitor(client, world, "member")
    assert client.post("/forum/drafts", json=body).status_code in (400, 403)


def test_a_form_posted_as_json_takes_its_strings_and_numbers(app, client, world):
    """Flask-WTF's JSON forms still work: a reply posted as a JSON object is saved."""
    as_visitor(client, world, "member")
    client.post(f"/forum/t/{world.thread.id}/reply", json={"body": "Reply sent as JSON", "extra": [1, {}]})
    newest = select(Post.body).where(Post.thread_id == world.thread.id).order_by(Post.id.desc())
    assert db.session.scalar(newest) == "Reply sent as JSON"


def test_every_form_reads_json_through_the_safe_base_form(app):
    from flask_wtf import FlaskForm

    from covenant_hub.forms import Form

    forms, pending = [], list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("covenant_hub."):
            forms.append(form)
    assert len(forms) > 40
    assert [form.__qualname__ for form in forms if not issubclass(form, Form)] == []
