"""Telling people about joins, claims and reviews, each in their own language, and the audit log.

A notification is stored as a kind plus names and worded at display time (the accounts domain's
`DESCRIBERS`); the e-mail is worded in the recipient's language. Called after the step's commit,
so a failing mail server never undoes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from covenant_hub.accounts import mail_preferences
from covenant_hub.accounts.notifications import DESCRIBERS, NotificationInput, notify
from covenant_hub.extensions import db
from covenant_hub.mail import send_mail
from covenant_hub.orgs.models import OrgAuditEntry
from covenant_hub.urls import public_base

if TYPE_CHECKING:
    from covenant_hub.accounts.models import User

SUBJECT_CHARS = 80


def _describers() -> dict[str, Callable[[str, str], str]]:
    return {
        "org_join_asked": lambda actor, subject: _(
            "%(actor)s asks to join “%(subject)s”", actor=actor, subject=subject
        ),
        "org_claim_asked": lambda actor, subject: _(
            "%(actor)s asks to administer “%(subject)s”", actor=actor, subject=subject
        ),
        "org_join_sent": lambda actor, subject: _(
            "Your request about “%(subject)s” was sent to %(actor)s", actor=actor, subject=subject
        ),
        "org_join_ok": lambda actor, subject: _(
            "%(actor)s accepted your request about “%(subject)s”", actor=actor, subject=subject
        ),
        "org_join_no": lambda actor, subject: _(
            "%(actor)s refused your request about “%(subject)s”", actor=actor, subject=subject
        ),
        "org_role": lambda actor, subject: _(
            "%(actor)s changed your role in “%(subject)s”", actor=actor, subject=subject
        ),
        "org_removed": lambda actor, subject: _(
            "%(actor)s removed you from “%(subject)s”", actor=actor, subject=subject
        ),
        "org_asked": lambda actor, subject: _(
            "%(actor)s asks your organisation about “%(subject)s”", actor=actor, subject=subject
        ),
        "org_pending": lambda actor, subject: _(
            "%(actor)s registered “%(subject)s”, which waits for review", actor=actor, subject=subject
        ),
        "org_approved": lambda actor, subject: _(
            "%(actor)s approved “%(subject)s”: it is now in the directory", actor=actor, subject=subject
        ),
        "org_refused": lambda actor, subject: _(
            "%(actor)s refused your organisation: %(subject)s", actor=actor, subject=subject
        ),
        "org_merged": lambda actor, subject: _(
            "%(actor)s merged your organisation into “%(subject)s”", actor=actor, subject=subject
        ),
    }


def site_path(endpoint: str, **values: object) -> str:
    """A path on this site for a notification's link, inside a request or not (CLI, tests)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def register_describers() -> None:
    DESCRIBERS.update(_describers())


def short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUBJECT_CHARS else text[: SUBJECT_CHARS - 1] + "…"


def tell(
    users: Iterable[User],
    kind: str,
    actor: str,
    subject: str,
    link: str,
    *,
    describe: Callable[[str, str], str] | None = None,
    unsubscribe: list[str] | None = None,
    mail_kind: str = "orgs",
) -> int:
    """Notify each active user and queue a mail, in their own language, for those who want it
    at once; returns how many were told. Other domains pass their own `describe` (the sentence
    for the kind) and the preference kinds a mail's one-click `unsubscribe` link turns off."""
    people = {u.id: u for u in users if u is not None and u.is_active}
    subject = short(subject)
    describe = describe or _describers()[kind]
    for user in people.values():
        if not mail_preferences.wants_mail_now(user.id, kind):
            continue  # a digest (or nothing) tells them
        language = user.language or "en"
        headers = {"Content-Language": language}
        with force_locale(language):
            sentence = describe(actor, subject)
            lines = [sentence, _("Open it: %(url)s", url=public_base() + link)]
            if unsubscribe:
                stop = mail_preferences.unsubscribe_link(user.id, unsubscribe)
                lines.append(_("Stop these e-mails: %(url)s", url=stop))
                headers.update(mail_preferences.unsubscribe_headers(user.id, unsubscribe))
            mail_subject = _("Covenant Hub: %(sentence)s", sentence=sentence)
        send_mail(user.email, mail_subject, "\n\n".join(lines), headers=headers, kind=mail_kind)
    # notify() commits: the queued mails go out with the notifications, in one transaction
    notify([NotificationInput(u.id, kind, actor, subject, link) for u in people.values()], send_email=False)
    return len(people)


def audit(
    org_id: int | None, actor: object, action: str, subject_id: int | None = None, detail: str = ""
) -> None:
    """Add one audit row to the session; the caller's commit keeps it with the change."""
    db.session.add(
        OrgAuditEntry(
            org_id=org_id,
            actor_id=getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None,
            subject_id=subject_id,
            action=action,
            detail=detail[:2000],
        )
    )
