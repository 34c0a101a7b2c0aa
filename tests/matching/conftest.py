"""The app fixture with the matching domain registered (until the factory does it)."""
from __future__ import annotations

import pytest
from flask import Flask

from covenant_hub.matching.cli import register_matching


@pytest.fixture
def match_app(app: Flask) -> Flask:
    if "matching" not in app.extensions:
        register_matching(app)
    return app
