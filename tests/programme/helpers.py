"""Reading the outbox in programme tests."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path


def mails(outbox: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(outbox.glob("*.eml"))
    ]


def recipients(outbox: Path) -> list[str]:
    return [str(message["To"]) for message in mails(outbox)]


def clear(outbox: Path) -> None:
    for path in outbox.glob("*.eml"):
        path.unlink()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
