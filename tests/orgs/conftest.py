"""The `slow` marker: the one test that reads the real GCoM workbook."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: reads the real 2 MB GCoM workbook")
