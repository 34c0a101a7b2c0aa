"""The reliability battery's fast versions: the bench scripts' own code, run small."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def site_dir(tmp_path: Path, migrated_database: Path) -> Path:
    """A folder for a served site whose database is already migrated (saves the migrations)."""
    shutil.copy(migrated_database, tmp_path / "site.db")
    return tmp_path
