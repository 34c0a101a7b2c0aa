"""The file store: the same behaviour from a directory and from a real S3-compatible server
(moto's, started as a subprocess), and the attachment pages on top of the S3 one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from covenant_hub.storage import DirectoryStore, FileStore, S3Store, build_store, s3_client


@pytest.fixture(params=["directory", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    if request.param == "directory":
        return DirectoryStore(
            {"attachments": tmp_path / "files", "agreements": tmp_path / "files" / "agreements"}
        )
    settings = request.getfixturevalue("s3_settings")
    return S3Store(s3_client(settings), settings["S3_BUCKET"], "hub/")


# More than one chunk of the WSGI file wrapper and every byte value.
BYTES = bytes(range(256)) * 1200 + b"%end"


def test_saved_bytes_come_back_byte_for_byte(store: FileStore) -> None:
    store.save("attachments", "0a1b.pdf", BYTES, "application/pdf")
    stored = store.open("attachments", "0a1b.pdf")
    assert stored is not None and stored.size == len(BYTES)
    try:
        assert stored.stream.read() == BYTES
    finally:
        stored.stream.close()
    assert store.exists("attachments", "0a1b.pdf")


def test_areas_are_kept_apart(store: FileStore) -> None:
    store.save("agreements", "same.pdf", b"%PDF-agreement", "application/pdf")
    assert store.open("attachments", "same.pdf") is None
    assert not store.exists("attachments", "same.pdf")


def test_a_missing_file_is_none_and_deleting_it_is_harmless(store: FileStore) -> None:
    assert store.open("attachments", "missing.pdf") is None
    store.delete("attachments", "missing.pdf")
    store.save("attachments", "gone.pdf", b"%PDF-1", "application/pdf")
    store.delete("attachments", "gone.pdf")
    assert store.open("attachments", "gone.pdf") is None


@pytest.mark.parametrize("name", ["../secret_key", "a/b.pdf", ".hidden", ""])
def test_names_that_are_not_ours_are_refused(store: FileStore, name: str) -> None:
    with pytest.raises(ValueError, match="not a stored file name"):
        store.save("attachments", name, b"x", "application/pdf")


def test_a_bucket_setting_chooses_s3_and_none_the_directory(app: Flask, s3_settings: dict[str, Any]) -> None:
    assert isinstance(build_store(app), DirectoryStore)
    app.config.update(s3_settings)
    assert isinstance(build_store(app), S3Store)
