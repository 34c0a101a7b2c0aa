"""Writing to an organisation from its profile: the message goes to its admins, or to staff
when nobody runs the profile, as a notification and an e-mail in each reader's language.

The organisation's address is never shown; the admins get the sender's name and a Reply-To
so they can answer. Each sender may write a few messages an hour (RATELIMIT_CONTACT).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from limits import parse
from sqlalchemy import select

from covenant_hub.accounts.models import User
from covenant_hub.accounts.notifications import DESCRIBERS, NotificationInput, notify
from covenant_hub.actors import Actor
from covenant_hub.errors import DomainError, NotAllowed
from covenant_hub.extensions import db, limiter
from covenant_hub.mail import send_mail
from covenant_hub.orgs.models import Membership, Organisation
from covenant_hub.orgs.permissions import can_contact_org
from covenant_hub.urls import public_base

MAX_SUBJECT = 150
MAX_MESSAGE = 4000
KIND = "org_contact"


class ContactError(DomainError):
    """The message cannot be sent as written (or not now); nothing was sent."""


@dataclass(frozen=True)
class Delivery:
    """How many people were told, and whether they are staff standing in for absent admins."""

    told: int
    to_staff: bool


def register_describers() -> None:
    """The in-app notification's sentence, worded when the reader opens the list."""
    DESCRIBERS[KIND] = lambda actor, subject: _(
        "%(actor)s wrote to %(subject)s from its profile (the message is in your e-mail)",
        actor=actor,
        subject=subject,
    )


def active_admins(org_id: int) -> list[User]:
    """The organisation's administrators whose accounts can still read mail."""
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.role == "org_admin", User.disabled_at.is_(None))
        .order_by(User.id)
    )
    return [user for user in db.session.scalars(query) if user.is_active]


def has_admins(org: Organisation) -> bool:
    """Whether a message reaches people of the organisation itself (else staff get it)."""
    return bool(active_admins(org.id))


def recipients(org: Organisation) -> tuple[list[User], bool]:
    """(who gets the message, whether they are staff): the admins, or staff when there are none."""
    admins = active_admins(org.id)
    if admins:
        return admins, False
    staff = db.session.scalars(
        select(User).where(User.role.in_(("staff", "admin")), User.disabled_at.is_(None)).order_by(User.id)
    )
    return [user for user in staff if user.is_active], True


def _within_limit(sender: Actor) -> bool:
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    item = parse(current_app.config["RATELIMIT_CONTACT"])
    return limiter.limiter.hit(item, "org-contact", str(sender.id))


def _checked(subject: str, message: str) -> tuple[str, str]:
    subject, message = " ".join((subject or "").split()), (message or "").strip()
    if not subject or not message:
        raise ContactError(_("Write a subject and a message."))
    if len(subject) > MAX_SUBJECT or len(message) > MAX_MESSAGE:
        raise ContactError(
            _(
                "Keep the subject under %(subject)d and the message under %(message)d characters.",
                subject=MAX_SUBJECT,
                message=MAX_MESSAGE,
            )  # fmt: skip
        )
    return subject, message


def send_message(sender: Actor, org: Organisation, subject: str, message: str) -> Delivery:
    """Notify and mail the organisation's admins (or staff); refuse bad input or too many messages."""
    if not can_contact_org(sender, org):
        raise NotAllowed(_("Log in to write to an organisation."))
    subject, message = _checked(subject, message)
    people, to_staff = recipients(org)
    if not people:
        raise ContactError(_("Nobody can receive messages for this organisation yet."))
    if not _within_limit(sender):
        raise ContactError(_("You have sent several messages in a short time: please wait an hour."))
    link = url_for("orgs.view_profile", external_id=org.external_id)
    for person in people:  # queued in this transaction: they go out when notify() commits
        _mail(person, sender, org, subject, message, to_staff)
    notify(
        [NotificationInput(person.id, KIND, sender.name, org.name, link) for person in people],
        send_email=False,
    )
    return Delivery(len(people), to_staff)


def _mail(person: User, sender: Actor, org: Organisation, subject: str, message: str, to_staff: bool) -> None:
    """One plain-text mail in the recipient's language, with Reply-To the sender."""
    language = person.language or "en"
    with force_locale(language):
        lines = [_("%(sender)s wrote to %(org)s through Covenant Hub:", sender=sender.name, org=org.name),
                 subject, message]  # fmt: skip
        if to_staff:
            lines.append(
                _(
                    "%(org)s has no administrator on Covenant Hub, so this message came to staff.",
                    org=org.name,
                )
            )
        lines.append(_("Answer by replying to this e-mail. Profile: %(url)s", url=public_base() + url_for(
            "orgs.view_profile", external_id=org.external_id)))  # fmt: skip
        title = _("Covenant Hub: a message for %(org)s: %(subject)s", org=org.name, subject=subject)
    headers = {"Content-Language": language, "Reply-To": sender.email}
    send_mail(person.email, title, "\n\n".join(lines), headers=headers, kind="orgs")
