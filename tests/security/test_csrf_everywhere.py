"""With CSRF on (as on a server), every state-changing route refuses a request without the token
and writes nothing; the only exemptions are the RFC 8058 one-click unsubscribes (the newsletter's
and the notification mails'), whose proof is the token in the link."""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from sqlalchemy import event, select

from covenant_hub.events.models import NewsletterSubscription
from covenant_hub.extensions import csrf, db
from tests.security.world import SecurityWorld
from tests.sessions import login

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT = {"events.unsubscribe_post", "mail_settings.unsubscribe_post"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def unsafe_routes(app: Flask, world: SecurityWorld) -> list[tuple[str, str, str]]:
    values = world.arguments()
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            for method in sorted((rule.methods or set()) & UNSAFE):
                url = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
                routes.append((rule.endpoint, method, url))
    return routes


def test_only_the_one_click_unsubscribe_is_exempt(app):
    assert set(csrf._exempt_views) == {
        "covenant_hub.events.newsletter_views.unsubscribe_post",
        "covenant_hub.accounts.mail_settings_views.unsubscribe_post",
    }


def test_every_unsafe_route_without_token_is_refused_and_writes_nothing(app, client):
    world = SecurityWorld(app)
    written: list[str] = []

    def _record(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            written.append(statement[:80])

    routes = unsafe_routes(app, world)
    assert len(routes) > 40
    login(client, world.users["admin"])
    db.session.commit()
    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        answers = {
            (endpoint, method): client.open(
                url, method=method, data={"body": "x", "lang": "ru"}, json=None
            ).status_code
            for endpoint, method, url in routes
            if endpoint not in EXEMPT
        }
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)
    assert {key: code for key, code in answers.items() if code != 400} == {}
    assert written == []


def test_the_json_api_write_needs_the_token_too(app, client):
    world = SecurityWorld(app)
    login(client, world.users["requester_admin"])
    response = client.post("/api/v1/match-requests", json={"org": world.city.external_id, "text": "LED"})
    assert response.status_code == 400


def test_unsubscribe_token_is_long_random_and_only_unsubscribes(app, client):
    rows = [
        NewsletterSubscription(email=f"r{i}@example.org", language="en", status="active") for i in range(2)
    ]
    db.session.add_all(rows)
    db.session.commit()
    tokens = [row.unsubscribe_token for row in rows]
    assert len(set(tokens)) == 2 and all(len(token) >= 32 for token in tokens)
    assert client.post(f"/newsletter/unsubscribe/{tokens[0][:-1]}").status_code == 400
    assert client.post(f"/newsletter/unsubscribe/{tokens[0]}").status_code == 200
    rows = db.session.execute(select(NewsletterSubscription.email, NewsletterSubscription.status))
    states = dict(rows.all())
    assert states == {"r0@example.org": "unsubscribed", "r1@example.org": "active"}
    # The token is no confirmation token, and the unsubscribe landing page (GET) writes nothing.
    assert client.post(f"/newsletter/confirm/{tokens[1]}").status_code == 400
