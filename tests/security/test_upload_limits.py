"""A body past MAX_CONTENT_LENGTH gets a 413 in the user's language, and a real server sends it
instead of resetting the connection: the unread body is drained first (covenant_hub/drain.py)."""

from __future__ import annotations

import http.client
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from covenant_hub.config import PROJECT_ROOT
from covenant_hub.drain import DrainRequestBody
from covenant_hub.extensions import db
from tests.e2e.conftest import _as_env, _free_port, _wait_until_serving
from tests.security.world import SecurityWorld
from tests.sessions import login

SEVENTEEN_MB = 17 * 1024 * 1024


@pytest.fixture
def world(app: Flask) -> SecurityWorld:
    return SecurityWorld(app)


def upload(size: int) -> dict[str, Any]:
    return {
        "file": (io.BytesIO(b"%PDF-1.4\n" + b"0" * size), "big.pdf"),
        "signed_pdf": (io.BytesIO(b"%PDF-1.4\n" + b"0" * size), "signed.pdf"),
    }


@pytest.mark.parametrize(
    "who,path",
    [("member", "/practices/{draft}/attachments"), ("admin", "/programme/applications/{application}/record")],
)
def test_a_17_mb_upload_is_a_translated_413_and_stores_nothing(app, client, world, who, path):
    login(client, world.users[who])
    db.session.commit()
    url = path.format(draft=world.draft.id, application=world.application.id) + "?lang=ru"
    response = client.post(url, data=upload(SEVENTEEN_MB), content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Отправленный файл или форма слишком велики." in response.get_data(as_text=True)
    db.session.expire_all()
    assert [a.filename for a in world.draft.attachments] == ["plan.pdf"]
    assert world.application.agreement_file_name == "agreement.pdf"


def test_a_17_mb_api_body_is_a_413_in_the_api_envelope(app, client, world):
    login(client, world.users["requester_admin"])
    db.session.commit()
    response = client.post(
        "/api/v1/match-requests", data=b"[" + b" " * SEVENTEEN_MB + b"]", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == 413


def _refusing_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("413 Content Too Large", [("Content-Type", "text/plain"), ("Connection", "keep-alive")])
    return [b"too large"]


def _call(middleware: DrainRequestBody, body: bytes) -> tuple[list[tuple[str, str]], io.BytesIO]:
    stream = io.BytesIO(body)
    environ = {"CONTENT_LENGTH": str(len(body)), "wsgi.input": stream}
    seen: list[tuple[str, str]] = []
    middleware(environ, lambda _status, headers, *_args: seen.extend(headers))
    return seen, stream


def test_an_unread_body_is_drained_before_the_answer_and_a_huge_one_closes_the_connection():
    drained_headers, drained = _call(DrainRequestBody(_refusing_app, limit=1000), b"x" * 1000)
    assert drained.tell() == 1000 and ("Connection", "close") not in drained_headers
    huge_headers, huge = _call(DrainRequestBody(_refusing_app, limit=1000), b"x" * 1001)
    assert huge.tell() == 0
    assert [value for name, value in huge_headers if name == "Connection"] == ["close"]


@pytest.fixture
def gunicorn(app_config: dict[str, Any], tmp_path) -> Iterator[int]:
    """A real gunicorn (one sync worker) on this test's database, CSRF on; yields its port."""
    env = {
        **os.environ,
        **{f"COVENANT_{k}": _as_env(v) for k, v in app_config.items() if k != "TESTING"},
        "COVENANT_WTF_CSRF_ENABLED": "true",
    }
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "app:app"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(f"http://127.0.0.1:{port}", process, log)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.parametrize("path", ["/practices/1/attachments", "/api/v1/match-requests", "/account/login"])
def test_gunicorn_answers_a_17_mb_post_with_a_413_instead_of_resetting_the_connection(gunicorn, path):
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=60)
    connection.request(
        "POST", path, body=b"x" * SEVENTEEN_MB, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    response = connection.getresponse()
    assert response.status == 413
    assert b"too large" in response.read()
    connection.close()
