"""Accounts fixtures: forms posted directly (the CSRF tests switch protection back on)."""
from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config["WTF_CSRF_ENABLED"] = False
    return app_config
