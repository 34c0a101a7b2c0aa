"""Newsletter subscriptions with double opt-in, one per address and language edition.

Subscribing only creates a pending row and mails a signed, timed link; the subscription
counts once that link's landing page is confirmed with a POST (GETs never write, and mail
scanners that prefetch links therefore confirm nothing). Every issue carries a one-click
unsubscribe link with the row's own random token (RFC 8058).
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from covenant_hub.accounts.tokens import TokenExpired, TokenInvalid, make_token, read_token
from covenant_hub.clock import utcnow
from covenant_hub.events.models import NewsletterSubscription
from covenant_hub.extensions import db
from covenant_hub.mail import send_mail
from covenant_hub.urls import public_url

CONFIRM_PURPOSE = "newsletter-confirm"


class NewsletterError(Exception):
    """A refused subscription change; `str(error)` is for the visitor."""


def _normalise(email: str) -> str:
    return email.strip().lower()


def _check_language(language: str) -> None:
    if language not in current_app.config["LANGUAGES"]:
        raise NewsletterError(_("Choose one of the languages of the newsletter."))


def subscribe(email: str, language: str) -> NewsletterSubscription | None:
    """Start (or restart) the opt-in; returns None when the address is already subscribed.

    The page says the same thing in every case, so nobody learns who is subscribed.
    """
    _check_language(language)
    address = _normalise(email)
    if "@" not in address or len(address) > 254:
        raise NewsletterError(_("Please enter a valid e-mail address, such as name@example.org."))
    row = db.session.scalar(
        select(NewsletterSubscription).where(
            NewsletterSubscription.email == address, NewsletterSubscription.language == language
        )
    )
    if row is not None and row.status == "active":
        db.session.rollback()
        return None
    if row is None:
        row = NewsletterSubscription(email=address, language=language, status="pending")
        db.session.add(row)
    row.status = "pending"
    db.session.flush()
    send_confirmation(row)
    db.session.commit()
    return row


def send_confirmation(row: NewsletterSubscription) -> None:
    """The opt-in mail, written in the edition's language whatever the page's language was."""
    token = make_token(CONFIRM_PURPOSE, {"s": row.id, "e": row.email, "l": row.language})
    link = public_url("events.confirm_subscription", token=token)
    with force_locale(row.language):
        context = {"link": link, "language": row.language}
        text = render_template("events/email/confirm_subscription_text.html", **context)
        html = render_template("events/email/confirm_subscription.html", **context)
        subject = _("Confirm your subscription to the Covenant Hub newsletter")
    send_mail(row.email, subject, text, html, headers={"Content-Language": row.language})


def subscription_from_token(token: str) -> NewsletterSubscription:
    """The row a confirmation link points at, or a translated error (read-only)."""
    try:
        payload = read_token(CONFIRM_PURPOSE, token, int(current_app.config["CONFIRM_TOKEN_MAX_AGE"]))
    except TokenExpired as error:
        raise NewsletterError(_("This confirmation link has expired. Please subscribe again.")) from error
    except TokenInvalid as error:
        raise NewsletterError(_("This confirmation link is not valid.")) from error
    row = db.session.get(NewsletterSubscription, payload.get("s"))
    if row is None or row.email != payload.get("e") or row.language != payload.get("l"):
        raise NewsletterError(_("This confirmation link is not valid."))
    return row


def confirm(token: str) -> NewsletterSubscription:
    """Make the subscription active; confirming twice is harmless."""
    row = subscription_from_token(token)
    if row.status != "active":
        row.status = "active"
        row.confirmed_at = utcnow()
        row.unsubscribed_at = None
    db.session.commit()
    return row


def subscription_for_unsubscribe(token: str) -> NewsletterSubscription:
    row = (
        db.session.scalar(
            select(NewsletterSubscription).where(NewsletterSubscription.unsubscribe_token == token)
        )
        if token
        else None
    )
    if row is None:
        raise NewsletterError(_("This unsubscribe link is not valid."))
    return row


def unsubscribe(token: str) -> NewsletterSubscription:
    """Stop sending to this address in this language; the row stays, marked unsubscribed."""
    row = subscription_for_unsubscribe(token)
    if row.status != "unsubscribed":
        row.status = "unsubscribed"
        row.unsubscribed_at = utcnow()
    db.session.commit()
    return row


def unsubscribe_link(row: NewsletterSubscription) -> str:
    return public_url("events.unsubscribe", token=row.unsubscribe_token)
