"""Every GET route, visited as each kind of visitor: nothing is written, every response carries
the security headers, nothing fails, and private pages stay closed to outsiders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, has_request_context, request, url_for
from sqlalchemy import event

from covenant_hub.extensions import db
from tests.security.hostile import is_server_error
from tests.security.world import SECRETS, SecurityWorld
from tests.sessions import login

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")
# Routes whose int-typed `month` differs from the issue preview's "YYYY-MM".
OVERRIDES = {"events.month_view": {"year": 2026, "month": 10}}


@pytest.fixture
def world(app: Flask) -> SecurityWorld:
    return SecurityWorld(app)


@pytest.fixture
def writes(app: Flask) -> Iterator[list[str]]:
    """SQL statements that wrote while a GET request was being handled."""
    seen: list[str] = []

    def _record(_conn, _cursor, statement: str, *_args) -> None:
        if has_request_context() and request.method in ("GET", "HEAD"):
            # In tests the search outbox is drained inline before each search (SEARCH_WORKER
            # "inline"); on a server the background drainer does it, outside any request.
            if statement.lstrip().upper().startswith(WRITES) and "search_outbox" not in statement:
                seen.append(f"{request.path}: {statement[:120]}")

    event.listen(db.engine, "before_cursor_execute", _record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", _record)


def get_urls(app: Flask, world: SecurityWorld) -> list[str]:
    values = world.arguments()
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            args = {name: values[name] for name in rule.arguments}
            args.update({k: v for k, v in OVERRIDES.get(rule.endpoint, {}).items() if k in rule.arguments})
            urls.append(url_for(rule.endpoint, **args))
    paths = ("/search", "/api/v1/search", "/api/v1/practices", "/api/v1/threads", "/practices/", "/orgs/")
    searches = [f"{path}?q=zebra" for path in paths]
    return urls + list(world.private_urls().values()) + searches + ["/no-such-page", "/static/no-such.css"]


def visit(client, user, urls: list[str]) -> Iterator[tuple[str, Any]]:
    """Log in as `user`, then GET each URL. The test's own session is committed first: its open
    write transaction would keep the search rebuild thread waiting on the SQLite lock."""
    login(client, user)
    db.session.commit()
    for url in urls:
        yield url, client.get(url)


def test_every_get_route_is_crawled(app, world):
    assert len(get_urls(app, world)) > 60


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "staff", "admin"])
def test_get_requests_write_nothing_fail_nowhere_and_carry_the_headers(app, client, world, writes, who):
    user = {"anonymous": None, "outsider": world.outsider}.get(who, world.users.get(who))
    problems = []
    for url, response in visit(client, user, get_urls(app, world)):
        if is_server_error(url, response.status_code):
            problems.append(f"{url}: {response.status_code}")
        missing = [name for name in HEADERS if name not in response.headers]
        if missing:
            problems.append(f"{url}: no {', '.join(missing)}")
        if "frame-ancestors 'none'" not in response.headers.get("Content-Security-Policy", ""):
            problems.append(f"{url}: no frame-ancestors")
    assert problems == []
    assert writes == []


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_admin", "other_moderator"])
def test_private_pages_stay_closed_to_outsiders(app, client, world, who):
    user = {"anonymous": None, "outsider": world.outsider, "other_moderator": world.other_moderator}.get(
        who, world.users.get(who)
    )
    urls = world.private_urls()
    responses = visit(client, user, list(urls.values()))
    opened = {url for url, response in responses if response.status_code == 200}
    assert opened == set()


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_no_page_lists_or_finds_private_records_for_outsiders(app, client, world, who):
    leaks = []
    for url, response in visit(client, None if who == "anonymous" else world.outsider, get_urls(app, world)):
        text = response.get_data(as_text=True).lower()
        leaks.extend(f"{url}: {secret}" for secret in SECRETS if secret in text)
    assert leaks == []


def _owners(world: SecurityWorld) -> dict[str, Any]:
    """Private page name -> the one person it belongs to (the staff pages are staff's)."""
    users = world.users
    author, applicant, requester, invitee = (
        world.author,
        world.applicant,
        users["requester_admin"],
        users["invitee_admin"],
    )
    owners = {
        "draft": author, "draft edit": author, "draft attachment": author,
        "members-only thread": author, "members-only post edit": author,
        "members-only post history": author, "members-only thread api": author,
        "application": applicant, "agreement": applicant,
        "match request": requester, "match request api": requester, "org edit": requester,
        "invitation": invitee, "dashboard": invitee, "supporter services": invitee,
        "recommendations": author, "recommendations api": author, "member feedback": author,
        "supporter suspension": users["admin"], "newsletter issue": users["staff"],
        "newsletter issue text": users["staff"], "event edit": users["staff"], "news edit": users["staff"],
        "group moderation": users["staff"],
    }  # fmt: skip
    return owners | {name: users["staff"] for name in world.private_urls() if name.startswith("staff page")}


def test_the_author_does_see_the_private_pages_of_their_own(app, client, world):
    """The checks above can fail: every private URL answers 200 to the person it belongs to (so
    none is closed to outsiders only by being broken or missing), and every secret is on a page
    its owner gets."""
    urls = world.private_urls()
    owners = _owners(world)
    # A members-only group has a feed for nobody (feed readers send no session); the same route
    # serves a public group.
    assert set(urls) - set(owners) == {"members-only group feed"}
    [(_url, feed)] = visit(client, None, [f"/forum/g/{world.public_group.id}/feed.rss"])
    assert feed.status_code == 200
    pages = []
    for user in {id(owner): owner for owner in owners.values()}.values():
        names = [name for name, owner in owners.items() if owner is user]
        for url, response in visit(client, user, [urls[name] for name in names]):
            assert response.status_code == 200, url
            pages.append(response.get_data(as_text=True).lower())
    assert [secret for secret in SECRETS if not any(secret in page for page in pages)] == []
    [(_url, found)] = visit(client, world.author, ["/api/v1/search?q=zebra"])
    assert not found.get_json()["degraded"] and SECRETS[0] in found.get_data(as_text=True).lower()


def test_the_write_detector_sees_a_get_that_writes(app, client, world, writes):
    """Guard for the crawl: a GET view that commits is caught."""

    @app.get("/_test-writes")
    def _writes() -> str:
        world.outsider.name = "Changed by a GET"
        db.session.commit()
        return "ok"

    client.get("/_test-writes")
    assert writes and "/_test-writes" in writes[0]
