"""Telling organisations' admins about invitations, answers and outcomes.

Each step stores a notification (worded at display time, in the reader's language, through
the accounts domain's `DESCRIBERS`) and sends an e-mail worded in the recipient's language.
Called after the step's commit; the mail is queued with the notification and sent by the job
queue, so a failing mail server never undoes the step nor delays the page.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import select

from covenant_hub.accounts.models import User
from covenant_hub.accounts.notifications import DESCRIBERS
from covenant_hub.extensions import db
from covenant_hub.orgs import notices as org_notices
from covenant_hub.orgs.models import Membership


def _describers() -> dict[str, Callable[[str, str], str]]:
    return {
        "match_invite": lambda actor, subject: _(
            "%(actor)s invites you to an exchange: “%(subject)s”", actor=actor, subject=subject
        ),
        "match_accepted": lambda actor, subject: _(
            "%(actor)s accepted your invitation: “%(subject)s”", actor=actor, subject=subject
        ),
        "match_declined": lambda actor, subject: _(
            "%(actor)s declined your invitation: “%(subject)s”", actor=actor, subject=subject
        ),
        "match_outcome": lambda actor, subject: _(
            "%(actor)s recorded what came of your exchange “%(subject)s”", actor=actor, subject=subject
        ),
        "match_remind": lambda actor, subject: _(
            "Reminder: %(actor)s is waiting for your answer to “%(subject)s”", actor=actor, subject=subject
        ),
        "match_expired": lambda actor, subject: _(
            "Your invitation to %(actor)s expired without an answer: “%(subject)s”",
            actor=actor,
            subject=subject,
        ),
    }


def register_describers() -> None:
    DESCRIBERS.update(_describers())


def org_admins(org_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.org_id == org_id, Membership.role == "org_admin")
        )
    )


short = org_notices.short  # one way to cut a subject for a notification


def tell_deciders(org_id: int, kind: str, actor: str, subject: str, link: str) -> int:
    """Like `tell_admins`, but an organisation without an active admin is answered for by its
    supporter or coordinator, or by staff (`orgs.stewards.deciders`)."""
    from covenant_hub.orgs.stewards import deciders

    return tell_users(deciders(org_id), kind, actor, subject, link)


def tell_admins(org_id: int, kind: str, actor: str, subject: str, link: str) -> int:
    """Notify every admin of an organisation and queue a mail for those who want it at once,
    in one transaction; returns how many were told."""
    return tell_users(org_admins(org_id), kind, actor, subject, link)


def tell_users(users: list[User], kind: str, actor: str, subject: str, link: str) -> int:
    """Notify each active user and queue a mail, in their language, for those who want it at
    once, with a link that stops invitation mail; returns how many were told."""
    return org_notices.tell(
        users, kind, actor, subject, link,
        describe=_describers()[kind], unsubscribe=["invitations"], mail_kind="match",
    )  # fmt: skip
