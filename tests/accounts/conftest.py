"""Accounts fixtures: forms posted directly, and requests that do not share `g`.

The shared `app` fixture keeps one app context pushed for the whole test, and Flask reuses it
for every test-client request, so `g` would carry Flask-Login's loaded user and Babel's chosen
locale from one request into the next. A cookie test would then pass or fail for the wrong
reason; this client starts each request with an empty `g`, as a real server does.
"""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient


class FreshRequestClient(FlaskClient):
    """A test client whose every request begins without what earlier requests left in `g`."""

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # The CSRF tests switch protection back on for themselves.
    app_config["WTF_CSRF_ENABLED"] = False
    return app_config


@pytest.fixture
def app(app: Flask) -> Flask:
    app.test_client_class = FreshRequestClient
    return app
