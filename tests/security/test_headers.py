"""Hardening headers: HSTS on an https site, no-store for signed-in users, no server banner."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from covenant_hub import create_app
from covenant_hub.config import PROJECT_ROOT
from tests.conftest import FreshRequestClient
from tests.factories import make_user


def _app(app_config, **config):
    application = create_app({**app_config, **config})
    application.test_client_class = FreshRequestClient
    return application


@pytest.mark.parametrize(
    "public_url, hsts", [("http://127.0.0.1:5000", False), ("https://hub.example.org", True)]
)
def test_strict_transport_security_only_on_an_https_site(app_config, public_url, hsts):
    application = _app(app_config, PUBLIC_URL=public_url)
    with application.app_context():
        client = application.test_client()
        for path in ("/", "/no/such/page", "/static/css/site.css"):
            header = client.get(path).headers.get("Strict-Transport-Security")
            assert (header == "max-age=31536000") is hsts, (path, header)


@pytest.fixture
def signed_in(client):
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    return client


@pytest.mark.parametrize("path", ["/", "/account/profile", "/no/such/page", "/api/v1/orgs"])
def test_pages_for_a_signed_in_user_are_not_stored(signed_in, path):
    assert signed_in.get(path).headers.get("Cache-Control") == "no-store"


@pytest.mark.parametrize(
    "path", ["/static/css/site.css", "/feeds/news.rss", "/feeds/agenda.atom", "/events/agenda.ics"]
)
def test_static_files_and_public_feeds_keep_their_caching(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 200 and response.headers.get("Cache-Control") != "no-store"


def test_pages_for_visitors_may_be_stored(client):
    assert client.get("/").headers.get("Cache-Control") != "no-store"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _first_answer(url: str, process: subprocess.Popen, log: Path):
    """The first response gunicorn gives (it needs a moment to import the app)."""
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log.read_text()}")
        try:
            return urllib.request.urlopen(url, timeout=2)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer:\n{log.read_text()}")


def test_gunicorn_sends_no_server_banner(app_config, tmp_path):
    env = {
        **os.environ,
        **{
            f"COVENANT_{k}": str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in app_config.items()
            if k != "TESTING"
        },
    }
    port, log = _free_port(), tmp_path / "gunicorn.log"
    with log.open("w") as log_handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "gunicorn.conf.py",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "app:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
        )
    try:
        with _first_answer(f"http://127.0.0.1:{port}/static/css/site.css", process, log) as response:
            server = response.headers.get("Server", "")
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "gunicorn" not in server.lower(), server
