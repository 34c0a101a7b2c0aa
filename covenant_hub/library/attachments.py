"""Attached files: recognised by their first bytes, stored outside static/ under random names.

A file's name and the browser's Content-Type are both chosen by the uploader, so neither is
trusted: the type comes from the content, and the stored name from `uuid4`. Files are only
ever served as downloads (see views.download_attachment).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.library import permissions
from covenant_hub.library.models import Attachment, Practice
from covenant_hub.library.services import LibraryError, NotAllowed
from covenant_hub.storage import StoredFile, get_store

# content type -> the extension we store and offer, by magic bytes.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
}
MAX_NAME_CHARS = 120
MAX_FILES_PER_PRACTICE = 20
AREA = "attachments"  # the stored files' area in the file store (covenant_hub/storage.py)


class AttachmentTooLarge(LibraryError):
    """Above ATTACHMENT_MAX_BYTES; views answer 413."""

    status = 413


def sniff_content_type(head: bytes) -> str | None:
    """The type of a file from its first bytes, among the allowed ones, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def safe_filename(name: str, content_type: str) -> str:
    """A display name that keeps letters of any script but no paths, controls or markup.

    The extension always matches the detected type, so `report.pdf.html` stays harmless.
    """
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w\- ]+", "_", stem, flags=re.UNICODE).strip(" ._-")
    stem = re.sub(r"\s+", " ", stem)[:MAX_NAME_CHARS] or "file"
    return f"{stem}.{ALLOWED_TYPES[content_type]}"


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """Read at most `limit` bytes; one byte more means the file is too large."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise AttachmentTooLarge(_("The file is larger than %(size)s MB.", size=round(limit / 1_048_576, 1)))
    return data


def add_attachment(actor: Actor, practice: Practice, filename: str, stream: IO[bytes]) -> Attachment:
    """Check, store and record one uploaded file."""
    if not permissions.can_attach_file(actor, practice):
        raise NotAllowed(_("Only the editors of a draft can attach files."))
    if len(practice.attachments) >= MAX_FILES_PER_PRACTICE:
        raise LibraryError(_("A practice can have at most %(count)d files.", count=MAX_FILES_PER_PRACTICE))
    data = read_limited(stream, int(current_app.config["ATTACHMENT_MAX_BYTES"]))
    content_type = sniff_content_type(data[:16])
    if not data or content_type is None:
        raise LibraryError(_("Only PDF, PNG, JPEG, GIF and WebP files can be attached."))
    stored_name = f"{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type]}"
    store = get_store()
    store.save(AREA, stored_name, data, content_type)
    attachment = Attachment(
        practice=practice,
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        stored_name=stored_name,
        uploaded_by_id=actor.id,
    )
    db.session.add(attachment)
    try:
        db.session.commit()
    except Exception:
        store.delete(AREA, stored_name)
        raise
    return attachment


def delete_attachment(actor: Actor, attachment: Attachment) -> None:
    """Remove the row, then the file (a stray file is harmless, a dangling row is not)."""
    if not permissions.can_attach_file(actor, attachment.practice):
        raise NotAllowed(_("Only the editors of a draft can remove files."))
    stored_name = attachment.stored_name
    db.session.delete(attachment)
    db.session.commit()
    get_store().delete(AREA, stored_name)


def open_stored(attachment: Attachment) -> StoredFile | None:
    """The stored bytes, opened for streaming, or None when they are missing."""
    return get_store().open(AREA, Path(attachment.stored_name).name)
