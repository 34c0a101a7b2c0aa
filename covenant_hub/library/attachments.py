"""Attached files: recognised by their first bytes, stored outside static/ under random names.

A file's name and the browser's Content-Type are both chosen by the uploader, so neither is
trusted: the type comes from the content, and the stored name from `uuid4`. Files are only
ever served as downloads (see views.download_attachment).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.files import ALLOWED_TYPES, safe_filename, sniff_content_type  # noqa: F401  (re-exported)
from covenant_hub.library import permissions
from covenant_hub.library.models import Attachment, Practice
from covenant_hub.library.services import LibraryError, NotAllowed
from covenant_hub.storage import StoredFile, get_store

MAX_FILES_PER_PRACTICE = 20
AREA = "attachments"  # the stored files' area in the file store (covenant_hub/storage.py)


class AttachmentTooLarge(LibraryError):
    """Above ATTACHMENT_MAX_BYTES; views answer 413."""

    status = 413


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
