"""Telling people about programme steps, each in their own language.

Every notice is an e-mail (covenant_hub.mail.send_mail, worded in the recipient's language by
`deliver`) and a row on the person's notifications page
(accounts.notifications with its DESCRIBERS registry; worded at display time). Notices are sent
after the step's commit, so a failing mail server never undoes a decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from covenant_hub.accounts import mail_preferences, notifications
from covenant_hub.accounts.models import User
from covenant_hub.extensions import db
from covenant_hub.i18n import supported_languages
from covenant_hub.mail import send_mail
from covenant_hub.orgs.models import Membership, Organisation, OrgLink
from covenant_hub.urls import public_url


@dataclass(frozen=True)
class Notice:
    """What to say: functions, so they are rendered under each recipient's locale."""

    subject: Callable[[], str]
    body: Callable[[], str]
    endpoint: str
    values: dict[str, object]
    kind: str = ""  # the in-app notification kind (see DESCRIBERS below), at most 16 characters
    name: str = ""  # the network or organisation the notice is about


# kind -> the sentence on the notifications page, worded in the reader's language.
DESCRIBERS: dict[str, Callable[[str, str], str]] = {
    "prog_received": lambda actor, name: _("%(name)s: your application was received", name=name),
    "prog_new_app": lambda actor, name: _("New supporter application: %(name)s", name=name),
    "prog_accepted": lambda actor, name: _("%(name)s is eligible: complete the agreement", name=name),
    "prog_rejected": lambda actor, name: _("%(name)s: the application is not eligible", name=name),
    "prog_info": lambda actor, name: _("%(name)s: the reviewers ask for more information", name=name),
    "prog_answered": lambda actor, name: _("%(name)s answered the reviewers' question", name=name),
    "prog_agreement": lambda actor, name: _("%(name)s completed the supporter agreement", name=name),
    "prog_live": lambda actor, name: _("%(name)s is now a Covenant Supporter", name=name),
    "prog_suspended": lambda actor, name: _("%(name)s is suspended as a Covenant Supporter", name=name),
    "prog_reinstated": lambda actor, name: _("%(name)s is reinstated as a Covenant Supporter", name=name),
    "prog_feedback": lambda actor, name: _(
        "%(actor)s gave official feedback on %(name)s", actor=actor, name=name
    ),
}


def register_describers() -> None:
    """Teach the accounts notifications page our kinds."""
    notifications.DESCRIBERS.update(DESCRIBERS)


def _store_in_app(users: list[User], notice: Notice, actor: str = "") -> None:
    """One notifications-page row per person, without a second e-mail (ours was sent)."""
    if not notice.kind or notice.kind not in notifications.DESCRIBERS:
        return
    link = _path(notice)
    notifications.notify(
        [notifications.NotificationInput(u.id, notice.kind, actor, notice.name[:300], link) for u in users],
        send_email=False,
    )


def _path(notice: Notice) -> str:
    try:
        return url_for(notice.endpoint, **notice.values)
    except RuntimeError:
        with current_app.test_request_context():
            return url_for(notice.endpoint, **notice.values)


def _language(user: User) -> str:
    if user.language in supported_languages():
        return user.language
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _link(notice: Notice) -> str:
    return public_url(notice.endpoint, **notice.values)


def deliver(user: User, notice: Notice) -> None:
    """Send one notice to one person (the notification hook)."""
    language = _language(user)
    with force_locale(language):
        subject = notice.subject()
        text = "\n\n".join(
            [
                _("Hello %(name)s,", name=user.name),
                notice.body(),
                _("Details: %(link)s", link=_link(notice)),
                _("Covenant Hub"),
            ]
        )
    headers = {"Content-Language": language}
    if notice.kind:
        headers.update(mail_preferences.unsubscribe_headers(user.id, ["programme"]))
    send_mail(user.email, subject, text, headers=headers, kind="programme")


def notify(users: Iterable[User], notice: Notice, actor: str = "") -> int:
    """Tell each distinct active user once (e-mail and notifications page); returns how many."""
    recipients: dict[int, User] = {}
    for user in users:
        if user is not None and user.is_active and user.id not in recipients:
            recipients[user.id] = user
    for user in recipients.values():
        if not notice.kind or mail_preferences.wants_mail_now(user.id, notice.kind):
            deliver(user, notice)
    _store_in_app(list(recipients.values()), notice, actor)
    db.session.commit()  # the queued mail, when no in-app row committed it
    return len(recipients)


def staff_users() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(("staff", "admin")))))


def admin_users() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == "admin")))


def org_users(org: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id).where(Membership.org_id == org.id)
        )
    )


def member_org_users(supporter: Organisation) -> list[User]:
    """Everyone in the organisations the supporter supports."""
    members = select(OrgLink.source_id).where(
        OrgLink.target_id == supporter.id, OrgLink.kind == "supported_by"
    )
    return list(
        db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id).where(Membership.org_id.in_(members))
        )
    )
