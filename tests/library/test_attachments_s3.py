"""Attachments on S3-compatible storage: uploaded, streamed back byte for byte, deleted, and
never written to the node's own disk."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from covenant_hub.extensions import db
from covenant_hub.library.models import Attachment
from covenant_hub.storage import get_store
from tests.library.conftest import draft_of
from tests.sessions import login

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 400 + b"\n%%EOF"


@pytest.fixture
def app_config(app_config: dict[str, Any], s3_settings: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, **s3_settings}


def test_an_attachment_goes_to_s3_and_downloads_byte_for_byte(world, client, app) -> None:
    practice = draft_of(world)
    login(client, world.users["author"])
    response = client.post(
        f"/practices/{practice.id}/attachments",
        data={"file": (io.BytesIO(PDF), "plan.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "File attached." in response.text
    attachment = db.session.query(Attachment).one()
    folder = Path(app.config["ATTACHMENTS_DIR"])
    assert not folder.exists() or not any(folder.iterdir())  # nothing on this node's disk
    assert get_store().exists("attachments", attachment.stored_name)
    download = client.get(f"/practices/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Length"] == str(len(PDF))
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert client.post(f"/practices/attachments/{attachment.id}/delete").status_code == 302
    assert not get_store().exists("attachments", attachment.stored_name)
    assert client.get(f"/practices/attachments/{attachment.id}").status_code == 404
