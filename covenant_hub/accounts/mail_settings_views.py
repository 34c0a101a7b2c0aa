"""The mail preferences page and the one-click unsubscribe landing (no login needed)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from covenant_hub.accounts import mail_preferences
from covenant_hub.accounts.mail_preferences import KIND_LABELS, MODE_LABELS, PreferenceError
from covenant_hub.extensions import csrf, db

bp = Blueprint("mail_settings", __name__, url_prefix="/account/mail")


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def edit_preferences() -> str | Response:
    """Immediate, daily, weekly or off, for each kind of notification mail."""
    modes = mail_preferences.modes_of(current_user.id)
    if request.method == "POST":
        chosen = {kind: request.form.get(kind, "") for kind in mail_preferences.KINDS}
        try:
            mail_preferences.set_modes(current_user.id, chosen)
        except PreferenceError as error:
            flash(str(error), "error")
            return render_template(_PAGE, modes=chosen, kinds=KIND_LABELS, mode_labels=MODE_LABELS), 400
        flash(_("Your e-mail preferences are saved."), "success")
        return redirect(url_for("mail_settings.edit_preferences"))
    return render_template(_PAGE, modes=modes, kinds=KIND_LABELS, mode_labels=MODE_LABELS)


_PAGE = "accounts/mail_preferences.html"


@bp.route("/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str) -> str | tuple[str, int]:
    """The page a link opens: says what would stop and asks to confirm (a GET changes nothing)."""
    try:
        user_id, kinds = mail_preferences.read_unsubscribe_token(token)
    except PreferenceError as error:
        return render_template("accounts/unsubscribe_problem.html", message=str(error)), 400
    labels = [KIND_LABELS[kind] for kind in kinds]
    return render_template("accounts/mail_unsubscribe.html", token=token, labels=labels)


@bp.route("/unsubscribe/<token>", methods=["POST"])
@csrf.exempt  # RFC 8058 one-click: the mail client posts without a form; the signed token is the proof
def unsubscribe_post(token: str) -> str | tuple[str, int]:
    try:
        _user_id, kinds = mail_preferences.unsubscribe(token)
    except PreferenceError as error:
        db.session.rollback()
        return render_template("accounts/unsubscribe_problem.html", message=str(error)), 400
    labels = [KIND_LABELS[kind] for kind in kinds]
    return render_template("accounts/mail_unsubscribed.html", labels=labels)
