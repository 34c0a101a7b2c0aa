"""Hostile input on every route answers 4xx, never 500: ids past the database's integer range,
huge page numbers, NUL bytes, control characters, lone surrogates, invalid UTF-8, wrong JSON types,
deep JSON and oversized bodies. The requests are built from the URL map (see hostile.py)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from covenant_hub.extensions import db
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
    """Log in as `who`; the test's own session is committed so no request waits on its lock."""
    login(client, world.users.get(who))
    db.session.commit()
    return client


def status(client: FlaskClient, method: str, url: str, **body: object) -> int:
    """The status of one request. The app context (and so the session) outlives the request in
    tests; ending its transaction keeps the search index's rebuild thread from waiting on it."""
    code = client.open(url, method=method, **body).status_code
    db.session.commit()
    return code


def server_errors(answers: Iterable[tuple[str, int]]) -> list[str]:
    return [f"{where}: {code}" for where, code in answers if code >= 500]


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
    urls = [f"{route.url(values)}?{query}" for route in hostile.routes(app, {"GET"})
            for query in hostile.query_strings(hostile.QUERY_NUMBERS)]
    answers = [(url, status(client, "GET", url)) for url in urls]
    assert server_errors(answers) == []


@pytest.mark.parametrize("who", ["member", "admin"])
def test_huge_numbers_in_every_form_field_fail_nowhere(app, client, world, who):
    as_visitor(client, world, who)
    values = world.arguments()
    form = hostile.hostile_form(hostile.HUGE)
    answers = [(route.url(values), status(client, "POST", route.url(values), data=form))
               for route in hostile.routes(app, {"POST"})]
    assert server_errors(answers) == []


def test_no_route_takes_an_unbounded_int(app):
    """Ids and numbers in paths go through the bounded `id` converter (see covenant_hub.inputs)."""
    assert [rule.rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule] == []
