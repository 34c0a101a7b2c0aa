"""Attachments: type by content, size limit with 413, stored outside static/, always downloaded."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from covenant_hub.config import PROJECT_ROOT
from covenant_hub.library.attachments import safe_filename, sniff_content_type
from covenant_hub.library.models import Attachment
from tests.library.conftest import draft_of
from tests.sessions import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
SAMPLES = {
    "application/pdf": PDF,
    "image/png": PNG,
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 32,
    "image/gif": b"GIF89a" + b"\x00" * 32,
    "image/webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32,
}


@pytest.mark.parametrize("content_type", sorted(SAMPLES))
def test_types_are_recognised_by_their_first_bytes(content_type):
    assert sniff_content_type(SAMPLES[content_type][:16]) == content_type


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script>",
        b"MZ\x90\x00",
        b"PK\x03\x04zip",
        b"<svg onload=alert(1)>",
        b"RIFF\x00\x00\x00\x00WAVE",
        b"",
    ],
)
def test_other_content_is_not_recognised(data):
    assert sniff_content_type(data[:16]) is None


def _upload(client, practice, data: bytes, name: str):
    return client.post(
        f"/practices/{practice.id}/attachments",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_upload_and_download(world, client, app):
    practice = draft_of(world)
    login(client, world.users["author"])
    response = _upload(client, practice, PDF, "Отчёт 2024.pdf")
    assert "File attached." in response.text
    attachment = practice.attachments[0]
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert attachment.filename == "Отчёт 2024.pdf"
    stored = Path(app.config["ATTACHMENTS_DIR"]) / attachment.stored_name
    assert stored.read_bytes() == PDF
    assert PROJECT_ROOT / "static" not in stored.parents
    download = client.get(f"/practices/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_disguised_file_is_refused_whatever_its_name(world, client, app):
    practice = draft_of(world)
    login(client, world.users["author"])
    response = _upload(client, practice, b"<html><script>alert(1)</script></html>", "photo.png")
    assert "Only PDF, PNG, JPEG, GIF and WebP" in response.text
    assert practice.attachments == []


def test_the_stored_type_comes_from_the_content_not_the_name(world, client):
    practice = draft_of(world)
    login(client, world.users["author"])
    _upload(client, practice, PNG, "report.pdf.html")
    attachment = practice.attachments[0]
    assert attachment.content_type == "image/png" and attachment.filename == "report_pdf.png"
    download = client.get(f"/practices/attachments/{attachment.id}")
    assert download.headers["Content-Type"] == "image/png"
    assert "attachment" in download.headers["Content-Disposition"]


def test_too_large_is_413_and_stores_nothing(world, client, app):
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    practice = draft_of(world)
    login(client, world.users["author"])
    small_body_big_file = client.post(
        f"/practices/{practice.id}/attachments",
        data={"file": (io.BytesIO(PNG + b"\x00" * 1000), "big.png")},
        content_type="multipart/form-data",
    )
    assert small_body_big_file.status_code == 413
    app.config["ATTACHMENT_MAX_BYTES"] = 100
    huge = client.post(
        f"/practices/{practice.id}/attachments",
        data={"file": (io.BytesIO(PNG + b"\x00" * 200_000), "huge.png")},
        content_type="multipart/form-data",
    )
    assert huge.status_code == 413
    assert practice.attachments == []
    folder = Path(app.config["ATTACHMENTS_DIR"])
    assert not folder.exists() or not any(folder.iterdir())


@pytest.mark.parametrize(
    "name,expected",
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\x\\plan.png", "plan.png"),
        ("<img src=x onerror=alert(1)>.png", "img src_x onerror_alert_1.png"),
        ("Күн панелдери.png", "Күн панелдери.png"),
        ("", "file.png"),
        ("....png", "file.png"),
    ],
)
def test_safe_filenames(name, expected):
    assert safe_filename(name, "image/png") == expected


def test_only_editors_attach_and_only_viewers_download(world, client):
    practice = draft_of(world)
    login(client, world.users["other_admin"])
    assert _upload(client, practice, PNG, "x.png").status_code == 404  # cannot even see the draft
    login(client, world.users["member"])
    assert (
        client.post(
            f"/practices/{practice.id}/attachments",
            data={"file": (io.BytesIO(PNG), "x.png")},
            content_type="multipart/form-data",
        ).status_code
        == 403
    )
    login(client, world.users["author"])
    _upload(client, practice, PNG, "x.png")
    attachment_id = practice.attachments[0].id
    login(client, None)
    assert client.get(f"/practices/attachments/{attachment_id}").status_code == 404


def test_removing_an_attachment_deletes_the_file(world, client, app):
    practice = draft_of(world)
    login(client, world.users["author"])
    _upload(client, practice, PNG, "x.png")
    attachment = practice.attachments[0]
    stored = Path(app.config["ATTACHMENTS_DIR"]) / attachment.stored_name
    client.post(f"/practices/attachments/{attachment.id}/delete")
    from covenant_hub.extensions import db

    assert db.session.get(Attachment, attachment.id) is None and not stored.exists()
