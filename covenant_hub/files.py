"""Uploaded files recognised by their first bytes, and display names safe to show.

Shared by every domain that stores uploads (the library's attachments, the evidence of a claim
on an organisation): neither the file's name nor the browser's Content-Type is trusted.
"""

from __future__ import annotations

import re
import unicodedata

# content type -> the extension we store and offer, by magic bytes.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
}
MAX_NAME_CHARS = 120


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
