"""Handing built messages to the mail server: one SMTP connection for a whole batch."""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol


class Sender(Protocol):
    """Sends one message; raises OSError or smtplib.SMTPException when it was not accepted."""

    def send(self, message: EmailMessage) -> None: ...


class SmtpSender:
    """One open SMTP session, reused for every message of the batch."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self.smtp = smtp

    def send(self, message: EmailMessage) -> None:
        self.smtp.send_message(message)


class OutboxSender:
    """Writes .eml files, one per message, named so that a directory listing sorts by time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        draft = path.with_suffix(".tmp")
        draft.write_bytes(message.as_bytes())
        draft.rename(path)  # readers never see half a message


@contextmanager
def open_sender(config: dict[str, Any]) -> Iterator[Sender]:
    """The configured backend, connected once for the batch (and closed after it)."""
    if not config.get("SMTP_HOST"):
        yield OutboxSender(Path(config["MAIL_OUTBOX"]))
        return
    timeout = float(config.get("SMTP_TIMEOUT", 30))
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=timeout) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        yield SmtpSender(smtp)
