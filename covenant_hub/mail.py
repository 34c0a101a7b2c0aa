"""Outgoing mail. `send_mail` never talks to a mail server: it queues a delivery row in the
current transaction (see `covenant_hub.jobs`), and a job worker sends it after the commit,
by SMTP when a host is configured, else as .eml files in the outbox folder."""

from __future__ import annotations

from covenant_hub.jobs.delivery import queue_mail

# `send_mail(to, subject, text, html=None, headers=None, *, key=None, kind="mail")` queues one
# message in the session's transaction; it goes out once the caller commits. A `key` names the
# recipient and the message (`newsletter:<issue>:<subscriber>`): queued twice, it is queued once.
send_mail = queue_mail
