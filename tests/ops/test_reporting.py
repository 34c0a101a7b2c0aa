"""The error reporter: Sentry starts only with a DSN, and its events leave without secrets."""

from __future__ import annotations

import json

import sentry_sdk

from covenant_hub.ops import reporting


def test_without_a_dsn_sentry_is_not_started(app, monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kw: calls.append(kw))
    app.config["SENTRY_DSN"] = None
    assert reporting.init_app(app) is False
    app.config["SENTRY_DSN"] = ""
    assert reporting.init_app(app) is False
    assert calls == []


def test_with_a_dsn_sentry_starts_without_personal_data(app, monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kw: calls.append(kw))
    app.config["SENTRY_DSN"] = "https://key@sentry.example.org/1"
    assert reporting.init_app(app) is True
    (options,) = calls
    assert options["dsn"] == "https://key@sentry.example.org/1"
    assert options["send_default_pii"] is False and options["before_send"] is reporting.scrub_event


def test_an_event_is_scrubbed_of_secrets():
    event = {
        "request": {
            "url": "https://hub.example.org/account/login?token=URL-SECRET",
            "query_string": "token=QUERY-SECRET",
            "headers": {
                "Cookie": "session=COOKIE-SECRET",
                "Authorization": "Bearer AUTH-SECRET",
                "X-CSRFToken": "CSRF-SECRET",
                "User-Agent": "curl",
            },
            "cookies": {"session": "COOKIE-SECRET2"},
            "data": {"email": "a@example.org", "password": "PASSWORD-SECRET", "csrf_token": "CSRF2"},
            "env": {"REMOTE_ADDR": "127.0.0.1", "HTTP_AUTHORIZATION": "ENV-SECRET"},
        },
        "extra": {"smtp_password": "EXTRA-SECRET", "count": 2},
        "breadcrumbs": {"values": [{"data": {"api_token": "CRUMB-SECRET"}}]},
        "exception": {
            "values": [{"stacktrace": {"frames": [{"vars": {"secret_key": "FRAME-SECRET", "n": 1}}]}}]
        },
    }
    text = json.dumps(reporting.scrub_event(event))
    assert "SECRET" not in text and "CSRF2" not in text
    assert "curl" in text and '"count": 2' in text and '"n": 1' in text
