"""The account mails (confirmation, password reset), each written in the recipient's language."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, render_template
from flask_babel import force_locale, npgettext
from flask_babel import gettext as _

from covenant_hub.accounts.models import User
from covenant_hub.extensions import db
from covenant_hub.i18n import supported_languages
from covenant_hub.mail import send_mail


def _mail_language(user: User) -> str:
    languages = supported_languages()
    return user.language if user.language in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def validity(seconds: int) -> str:
    """How long a mailed link works, as the sentence "valid for ..." needs it: through ngettext
    with the language's plural rules (Russian's «в течение» takes the genitive: 3 дней)."""
    if seconds % 86400 == 0:
        return npgettext("valid for", "%(num)d day", "%(num)d days", seconds // 86400)
    if seconds % 3600 == 0:
        return npgettext("valid for", "%(num)d hour", "%(num)d hours", seconds // 3600)
    return npgettext("valid for", "%(num)d minute", "%(num)d minutes", max(1, -(-seconds // 60)))


def _send(user: User, template: str, subject: Callable[[], str], **context: object) -> None:
    """Render subject and both bodies under the user's locale, whatever the page's language was."""
    language = _mail_language(user)
    with force_locale(language):
        context = {"user": user, "language": language, **context}
        if isinstance(context.get("max_age"), int):
            context["valid_for"] = validity(int(context["max_age"]))
        text = render_template(f"accounts/email/{template}_text.html", **context)
        html = render_template(f"accounts/email/{template}.html", **context)
        title = subject()
    send_mail(user.email, title, text, html, headers={"Content-Language": language}, kind="account")
    db.session.commit()  # queued now, sent by the job queue: the page never waits for SMTP


def send_confirmation_mail(user: User, link: str) -> None:
    """The link that proves the address belongs to whoever registered it."""
    _send(
        user,
        "confirm_email",
        lambda: _("Confirm your e-mail address for Covenant Hub"),
        link=link,
        max_age=int(current_app.config["CONFIRM_TOKEN_MAX_AGE"]),
    )


def send_reset_mail(user: User, link: str) -> None:
    """The single-use link that lets the owner of the address choose a new password."""
    _send(
        user,
        "reset_password",
        lambda: _("Reset your Covenant Hub password"),
        link=link,
        max_age=int(current_app.config["RESET_TOKEN_MAX_AGE"]),
    )


def send_account_exists_mail(user: User, login_link: str, reset_link: str) -> None:
    """Someone registered with an address that has an account: the page did not say so, this does."""
    _send(
        user,
        "account_exists",
        lambda: _("Someone tried to register with your e-mail address"),
        login_link=login_link,
        reset_link=reset_link,
    )
