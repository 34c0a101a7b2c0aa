"""The matching tests' app fixture: the factory's app, with the matching domain wired by it."""

from __future__ import annotations

import pytest
from flask import Flask


@pytest.fixture
def match_app(app: Flask) -> Flask:
    assert "matching" in app.extensions
    return app
