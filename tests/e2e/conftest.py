"""Browser tests: a real gunicorn (two workers) on a free port, driven by Playwright in
Debian's chromium. Each test gets its own database, outbox and server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from covenant_hub.config import PROJECT_ROOT

CHROMIUM = Path(os.environ.get("COVENANT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    """Where the server listens and the config it was started with."""

    url: str
    config: dict[str, Any]
    log: Path

    def outbox(self) -> Path:
        return Path(self.config["MAIL_OUTBOX"])

    def errors(self) -> str:
        """The server's logged errors and tracebacks, for a failing test's message: a 500 seen
        by the browser says nothing of its cause."""
        lines = self.log.read_text(errors="replace").splitlines()
        kept, in_trace = [], False
        for line in lines:
            if " ERROR " in line or line.startswith("Traceback"):
                in_trace = True
            elif in_trace and not line.startswith((" ", "Traceback")) and " INFO " in line:
                in_trace = False
            if in_trace or " ERROR " in line or " WARNING " in line:
                kept.append(line)
        return "\n".join(kept[-200:])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_env(value: Any) -> str:
    """from_prefixed_env reads values as JSON where it can, so booleans travel as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


@pytest.fixture
def live_server(app_config: dict[str, Any], tmp_path: Path) -> Iterator[LiveServer]:
    """gunicorn serving this test's database; seed data through the `app` fixture."""
    served_config = {**app_config, "WTF_CSRF_ENABLED": True}  # the browser sends real tokens
    env = {**os.environ, **{f"COVENANT_{k}": _as_env(v) for k, v in served_config.items() if k != "TESTING"}}
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "gunicorn.conf.py",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "app:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process, log)
        yield LiveServer(url=url, config=app_config, log=log)
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One chromium for the whole session; a missing chromium fails loudly, never skips."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium).")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context; any JavaScript dialog fails the test (an XSS would open one)."""
    context = browser.new_context(locale="en-GB")
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
    assert not dialogs, f"unexpected JavaScript dialogs: {dialogs}"
