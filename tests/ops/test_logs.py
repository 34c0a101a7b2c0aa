"""Request logs: an id per request (taken from X-Request-ID or made), one JSON line per request
with user, route, status and duration, and never a password, token, cookie or query string."""

from __future__ import annotations

import io
import json
import logging

import pytest

from covenant_hub.ops import logs
from tests.factories import make_user
from tests.sessions import login


@pytest.fixture
def lines(app):
    """The JSON lines the request logger writes during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestContextFilter())
    logs.request_log.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logs.request_log.removeHandler(handler)


def test_a_plain_request_id_is_echoed_and_logged(client, lines):
    response = client.get("/legal", headers={"X-Request-ID": "abc-123.x"})
    assert response.headers["X-Request-ID"] == "abc-123.x"
    (line,) = lines()
    assert line["request_id"] == "abc-123.x"
    assert line["route"] == "/legal" and line["status"] == 200 and line["method"] == "GET"
    assert isinstance(line["duration_ms"], float) and line["user_id"] is None


@pytest.mark.parametrize("offered", [None, "", "a b", "x" * 129, "tab\there", "<script>", "ид-1"])
def test_a_missing_or_odd_request_id_is_replaced(client, lines, offered):
    headers = {} if offered is None else {"X-Request-ID": offered}
    response = client.get("/legal", headers=headers)
    made = response.headers["X-Request-ID"]
    assert made != offered and len(made) == 32
    assert lines()[0]["request_id"] == made


def test_the_line_names_the_signed_in_user_by_id(app, client, lines):
    user = make_user()
    login(client, user)
    client.get("/legal")
    assert lines()[0]["user_id"] == str(user.id)


def test_no_secret_reaches_the_log(app, client, lines):
    """A reset token in the path, a token in the query string, a password in the form, a cookie:
    the line has the route's rule, never the path, query, body or headers."""
    client.set_cookie("session", "COOKIE-SECRET")
    client.get("/account/reset/PATH-TOKEN-SECRET?token=QUERY-TOKEN-SECRET")
    client.post("/account/login?next=/x&api_token=QUERY-SECRET2",
                data={"email": "someone@example.org", "password": "PASSWORD-SECRET"},
                headers={"Authorization": "Bearer HEADER-SECRET"})  # fmt: skip
    text = json.dumps(lines())
    for secret in ("COOKIE-SECRET", "PATH-TOKEN-SECRET", "QUERY-TOKEN-SECRET", "QUERY-SECRET2",
                   "PASSWORD-SECRET", "HEADER-SECRET", "someone@example.org"):  # fmt: skip
        assert secret not in text
    routes = [line["route"] for line in lines()]
    assert routes[1] == "/account/login"


def test_extras_with_secret_names_are_redacted():
    record = logging.makeLogRecord({"msg": "sent", "smtp_password": "hunter2", "csrf_token": "t", "count": 3})
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["smtp_password"] == "[redacted]" and line["csrf_token"] == "[redacted]"
    assert line["count"] == 3 and "hunter2" not in json.dumps(line)


def test_the_format_is_chosen_by_config_and_not_doubled():
    logger = logging.getLogger("covenant_hub")
    logs.configure("json")
    logs.configure("json")
    ours = [h for h in logger.handlers if getattr(h, "_covenant_handler", False)]
    assert len(ours) == 1 and isinstance(ours[0].formatter, logs.JsonFormatter)
    logs.configure("text")
    ours = [h for h in logger.handlers if getattr(h, "_covenant_handler", False)]
    assert len(ours) == 1 and not isinstance(ours[0].formatter, logs.JsonFormatter)
    with pytest.raises(ValueError, match="COVENANT_LOG_FORMAT"):
        logs.configure("xml")


def test_an_app_with_json_logs_writes_json_to_stderr(app_config, capfd):
    from covenant_hub import create_app

    app = create_app({**app_config, "LOG_FORMAT": "json"})
    try:
        app.test_client().get("/legal", headers={"X-Request-ID": "req-json-1"})
        err = capfd.readouterr().err
        line = next(json.loads(x) for x in err.splitlines() if "req-json-1" in x)
        assert line["route"] == "/legal" and line["logger"] == "covenant_hub.request"
    finally:
        logs.configure("text")
