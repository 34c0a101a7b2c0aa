"""Outgoing mail. `send_mail` never talks to a mail server: it queues a delivery row in the
current transaction (see `covenant_hub.jobs`), and a job worker sends it after the commit,
by SMTP when a host is configured, else as .eml files in the outbox folder."""

from __future__ import annotations

from email.message import EmailMessage

from covenant_hub.jobs.delivery import queue_mail


def send_mail(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    *,
    key: str | None = None,
    kind: str = "mail",
) -> EmailMessage | None:
    """Queue one message in the session's transaction; it goes out once the caller commits.

    `key` names the recipient and the message (`newsletter:<issue>:<subscriber>`): queuing a key
    twice queues it once. Returns the message as it will be sent, or None when the key was
    already queued.
    """
    return queue_mail(to, subject, text, html, headers, key=key, kind=kind)
