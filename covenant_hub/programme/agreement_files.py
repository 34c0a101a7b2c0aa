"""Signed agreement PDFs: recognised by their first bytes, stored outside static/ under random
names, only ever served as downloads to the applicant and staff."""

from __future__ import annotations

import re
import unicodedata
import uuid
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from covenant_hub.programme.audit import ProgrammeError
from covenant_hub.programme.models import SupporterApplication
from covenant_hub.storage import StoredFile, get_store

# The area of the file store (covenant_hub/storage.py): AGREEMENTS_DIR or <ATTACHMENTS_DIR>/agreements.
AREA = "agreements"


def is_pdf(head: bytes) -> bool:
    """The type comes from the content: the uploader chooses the name and the Content-Type."""
    return head.startswith(b"%PDF-")


def display_name(name: str) -> str:
    """Keep letters of any script, drop paths and markup, always end in .pdf."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w\- ]+", "_", stem, flags=re.UNICODE).strip(" ._-")[:120] or "agreement"
    return f"{stem}.pdf"


def store(application: SupporterApplication, upload: tuple[str, IO[bytes]]) -> str:
    """Check and write the file; set the application's file fields; return the stored name."""
    filename, stream = upload
    limit = int(current_app.config["AGREEMENT_MAX_BYTES"])
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ProgrammeError(_("The file is larger than %(size)s MB.", size=round(limit / 1_048_576, 1)))
    if not is_pdf(data[:8]):
        raise ProgrammeError(_("The signed agreement must be a PDF file."))
    stored_name = f"{uuid.uuid4().hex}.pdf"
    get_store().save(AREA, stored_name, data, "application/pdf")
    application.agreement_stored_name = stored_name
    application.agreement_file_name = display_name(filename)
    application.agreement_size = len(data)
    return stored_name


def discard(stored_name: str | None) -> None:
    if stored_name is not None:
        get_store().delete(AREA, stored_name)


def open_stored(application: SupporterApplication) -> StoredFile | None:
    """The stored bytes opened for streaming, or None; stored names are ours (hex + .pdf)."""
    if not application.agreement_stored_name:
        return None
    return get_store().open(AREA, Path(application.agreement_stored_name).name)
