"""`make run` builds mail, feed and calendar links on the address it serves, unless told otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from covenant_hub.config import PROJECT_ROOT


def _public_url(**env: str) -> str:
    if shutil.which("make") is None:
        pytest.fail("make is missing: the two commands of the README need it")
    clean = {key: value for key, value in os.environ.items() if key not in ("PORT", "COVENANT_PUBLIC_URL")}
    result = subprocess.run(
        ["make", "-s", "public-url"],
        cwd=PROJECT_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_public_address_follows_the_port():
    assert _public_url() == "http://127.0.0.1:5000"
    assert _public_url(PORT="8000") == "http://127.0.0.1:8000"


def test_a_given_public_address_wins():
    assert (
        _public_url(PORT="8000", COVENANT_PUBLIC_URL="https://hub.example.org") == "https://hub.example.org"
    )
