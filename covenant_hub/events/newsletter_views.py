"""Newsletter pages: subscribe, confirm (POST from the landing page), unsubscribe, staff preview."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from covenant_hub.events import issues, newsletter, permissions
from covenant_hub.events.blueprint import bp
from covenant_hub.events.forms import ActionForm, SubscribeForm
from covenant_hub.events.models import NewsletterIssue
from covenant_hub.extensions import csrf, db, limiter
from covenant_hub.i18n import current_language


def _subscribe_limit() -> str:
    return current_app.config["RATELIMIT_NEWSLETTER"]


@bp.route("/newsletter/", methods=["GET", "POST"])
@limiter.limit(_subscribe_limit, methods=["POST"])
def subscribe():
    """The same answer whether the address was new, pending or already subscribed."""
    form = SubscribeForm()
    if request.method == "GET":
        form.language.data = current_language()
    if form.validate_on_submit():
        try:
            newsletter.subscribe(form.email.data or "", form.language.data or "")
        except newsletter.NewsletterError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(
                _("Almost done: we sent you an e-mail. Open the link in it to confirm your subscription."),
                "success",
            )
            return redirect(url_for("events.subscribe"))
    return render_template("events/subscribe.html", form=form)


def _landing(template: str, lookup, token: str, **extra) -> str | tuple[str, int]:
    try:
        row = lookup(token)
    except newsletter.NewsletterError as error:
        return render_template("events/newsletter_problem.html", message=str(error)), 400
    return render_template(template, row=row, form=ActionForm(), token=token, **extra)


@bp.route("/newsletter/confirm/<token>", methods=["GET"])
def confirm_subscription(token: str):
    """Landing page of the opt-in link: shows a button, writes nothing."""
    return _landing("events/confirm.html", newsletter.subscription_from_token, token)


@bp.route("/newsletter/confirm/<token>", methods=["POST"])
def confirm_subscription_post(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        newsletter.confirm(token)
    except newsletter.NewsletterError as error:
        db.session.rollback()
        return render_template("events/newsletter_problem.html", message=str(error)), 400
    flash(_("Your subscription is confirmed. Thank you!"), "success")
    return redirect(url_for("events.subscribe"))


@bp.route("/newsletter/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str):
    return _landing("events/unsubscribe.html", newsletter.subscription_for_unsubscribe, token)


@bp.route("/newsletter/unsubscribe/<token>", methods=["POST"])
@csrf.exempt  # RFC 8058 one-click: the mail client posts without a form; the token is the proof
def unsubscribe_post(token: str):
    try:
        newsletter.unsubscribe(token)
    except newsletter.NewsletterError as error:
        db.session.rollback()
        return render_template("events/newsletter_problem.html", message=str(error)), 400
    return render_template("events/unsubscribed.html")


def _staff_only() -> None:
    if not permissions.can_preview_newsletter(current_user):
        abort(403)


@bp.route("/newsletter/issues")
@login_required
def list_issues() -> str:
    _staff_only()
    rows = db.session.scalars(
        select(NewsletterIssue).order_by(NewsletterIssue.month.desc(), NewsletterIssue.language)
    ).all()
    return render_template("events/issues.html", issues=rows)


def _issue_or_404(month: str, language: str) -> NewsletterIssue:
    issue = db.session.scalar(
        select(NewsletterIssue).where(NewsletterIssue.month == month, NewsletterIssue.language == language)
    )
    return issue or abort(404)


@bp.route("/newsletter/issues/<month>/<language>.html")
@login_required
def preview_issue(month: str, language: str) -> Response:
    """The issue exactly as mailed (a whole HTML document of our own rendering)."""
    _staff_only()
    return Response(issues.preview(_issue_or_404(month, language).html), mimetype="text/html")


@bp.route("/newsletter/issues/<month>/<language>.txt")
@login_required
def preview_issue_text(month: str, language: str) -> Response:
    _staff_only()
    return Response(issues.preview(_issue_or_404(month, language).text), mimetype="text/plain")
