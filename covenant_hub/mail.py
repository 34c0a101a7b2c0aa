"""Outgoing mail: SMTP when a host is configured, else .eml files in the outbox folder."""

from __future__ import annotations

import smtplib
import uuid
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app


class MailPolicy(EmailPolicy):
    """The standard policy, but a non-ASCII Subject is encoded by `email.header.Header`.

    Python 3.11's folder splits a long Cyrillic subject into encoded words at a space and
    leaves the space between them, where RFC 2047 says readers drop it: "электрондук
    почтаңыздын" arrived as one word. Header keeps each space inside an encoded word.
    """

    def _encoded_subject(self, name: str, value: str) -> str | None:
        if name.lower() != "subject" or str(value).isascii():
            return None
        encoded = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
        return f"{name}: {encoded}{self.linesep}"

    def fold(self, name: str, value: str) -> str:
        return self._encoded_subject(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        encoded = self._encoded_subject(name, value)
        return encoded.encode("ascii") if encoded else super().fold_binary(name, value)


MAIL_POLICY = MailPolicy(
    **{name: getattr(default_policy, name) for name in ("header_factory", "content_manager")}
)


def send_mail(
    to: str, subject: str, text: str, html: str | None = None, headers: dict[str, str] | None = None
) -> EmailMessage:
    """Build one message and hand it to the configured backend; returns what was sent."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="covenant-hub.local")
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    # After the bodies: set_content() drops any Content-* header (e.g. Content-Language) set before it.
    for name, value in (headers or {}).items():
        message[name] = value
    if current_app.config.get("SMTP_HOST"):
        _send_smtp(message)
    else:
        _write_outbox(message)
    return message


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(message)


def _write_outbox(message: EmailMessage) -> Path:
    """One file per message, named so that a directory listing sorts by time."""
    outbox = Path(current_app.config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    draft = path.with_suffix(".tmp")
    draft.write_bytes(message.as_bytes())
    draft.rename(path)  # readers never see half a message
    return path
