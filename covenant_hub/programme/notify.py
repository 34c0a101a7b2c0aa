"""Telling people about programme steps, each in their own language.

Every notice goes through `deliver`, the one hook to switch to the accounts domain's
notifications when it exists (covenant_hub/accounts/notifications.py): today it sends e-mail
through covenant_hub.mail.send_mail. Notices are sent after the step's commit, so a failing
mail server never undoes a decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from covenant_hub.accounts.models import User
from covenant_hub.extensions import db
from covenant_hub.i18n import supported_languages
from covenant_hub.mail import send_mail
from covenant_hub.orgs.models import Membership, Organisation, OrgLink


@dataclass(frozen=True)
class Notice:
    """What to say: functions, so they are rendered under each recipient's locale."""

    subject: Callable[[], str]
    body: Callable[[], str]
    endpoint: str
    values: dict[str, object]


def _language(user: User) -> str:
    if user.language in supported_languages():
        return user.language
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _link(notice: Notice) -> str:
    try:
        return url_for(notice.endpoint, _external=True, **notice.values)
    except RuntimeError:  # outside a request: build from the configured public URL
        base = str(current_app.config.get("PUBLIC_URL", "http://localhost:5000")).rstrip("/")
        with current_app.test_request_context(base_url=base):
            return url_for(notice.endpoint, _external=True, **notice.values)


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
    send_mail(user.email, subject, text, headers={"Content-Language": language})


def notify(users: Iterable[User], notice: Notice) -> int:
    """Send the notice once to each distinct active user; returns how many were sent."""
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen or not user.is_active:
            continue
        seen.add(user.id)
        deliver(user, notice)
    return len(seen)


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
