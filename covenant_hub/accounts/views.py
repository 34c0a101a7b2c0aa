"""Accounts pages: each view reads the form, calls one service, then renders or redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from covenant_hub.accounts import api_tokens, permissions, services
from covenant_hub.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ConfirmForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    RevokeApiTokenForm,
)
from covenant_hub.accounts.limits import limit_failed_logins, may_send_account_mail
from covenant_hub.accounts.models import User
from covenant_hub.extensions import db, limiter
from covenant_hub.i18n import current_language
from covenant_hub.urls import safe_next_url

bp = Blueprint("accounts", __name__, url_prefix="/account")

Page = str | Response


def _limit(config_key: str) -> Callable[..., Any]:
    """Limit POSTs only; the value is read from config on each request, so tests and deployments set it."""
    return limiter.limit(lambda: current_app.config[config_key], methods=["POST"])


def _show_error(form: object, error: services.AccountError) -> None:
    """Put a service's refusal next to its field, or at the top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


@bp.route("/register", methods=["GET", "POST"])
@_limit("RATELIMIT_REGISTER")
def register() -> Page:
    """Sign up; the account works once the e-mailed link is followed."""
    form = RegistrationForm(language=current_language())
    if form.validate_on_submit():
        try:
            services.register_user(_registration(form))
        except services.EmailTaken:  # same answer as for a new account; the owner gets a mail
            services.remind_existing_account(form.email.data)
        except services.AccountError as error:
            _show_error(form, error)
            return render_template("accounts/register.html", form=form)
        flash(
            _(
                "Almost done: we sent a confirmation link to %(email)s. Open it to activate your account.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form)


def _registration(form: RegistrationForm) -> services.Registration:
    organisation = None
    if form.org_name.data and form.org_name.data.strip():
        organisation = services.NewOrganisation(
            name=form.org_name.data.strip(), kind=form.org_kind.data, country=form.org_country.data or None
        )
    return services.Registration(
        name=form.name.data,
        email=form.email.data,
        password=form.password.data,
        language=form.language.data,
        organisation=organisation,
    )


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> Page:
    """The mailed link opens a page whose button confirms: GET requests never write."""
    form = ConfirmForm()
    try:
        if form.validate_on_submit():
            services.confirm_email(token)
            flash(_("Thank you: your e-mail address is confirmed. You can now log in."), "info")
            return redirect(url_for("accounts.login"))
        user = services.check_confirmation_token(token)
    except services.AccountError as error:
        return render_template("accounts/link_problem.html", message=error.message), 400
    if user.is_confirmed:
        flash(_("Your e-mail address is already confirmed. You can log in."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/confirm.html", form=form, user=user)


@bp.route("/confirm", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def resend_confirmation() -> Page:
    """Ask for a new confirmation link; the answer is the same whether the address is known or
    not, and whether or not this address has had its share of mails this hour."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        if may_send_account_mail("confirm", form.email.data):
            services.resend_confirmation(form.email.data)
        flash(_("If an unconfirmed account uses this address, we have sent it a new link."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/resend_confirmation.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@_limit("RATELIMIT_LOGIN")
@limit_failed_logins
def login() -> Page:
    """Log in and go back where the person was heading (only ever on this site)."""
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountError as error:
            flash(error.message, "error")
        else:
            login_user(user, remember=form.remember.data)
            flash(_("Welcome back, %(name)s.", name=user.name), "info")
            return redirect(safe_next_url(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Log out everywhere: the session token changes, so copies of the old cookie are worthless."""
    if current_user.is_authenticated:
        services.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("site.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def forgot_password() -> Page:
    """Ask for a reset link; the answer never reveals whether the address has an account, nor
    whether this address has had its share of mails this hour."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        if may_send_account_mail("reset", form.email.data):
            services.request_password_reset(form.email.data)
        flash(_("If an account uses this address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Page:
    """Choose a new password from a mailed link, which then stops working."""
    form = ResetPasswordForm()
    try:
        services.check_reset_token(token)
        if form.validate_on_submit():
            services.reset_password(token, form.password.data)
            flash(_("Your password has been changed. Please log in with the new one."), "info")
            return redirect(url_for("accounts.login"))
    except services.AccountError as error:
        if error.field is None:
            return render_template("accounts/link_problem.html", message=error.message), 400
        _show_error(form, error)
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> Page:
    """The person's own details, organisations and preferences."""
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        try:
            services.update_profile(user, name=form.name.data, language=form.language.data)
        except services.AccountError as error:
            _show_error(form, error)
        else:
            flash(_("Your profile has been saved."), "info")
            return redirect(url_for("accounts.profile"))
    return _profile_page(user, form)


def _profile_page(user: User, form: ProfileForm, token_form: ApiTokenForm | None = None) -> str:
    tokens = api_tokens.active_tokens(user)
    return render_template(
        "accounts/profile.html",
        form=form,
        user=user,
        memberships=sorted(user.memberships, key=lambda m: m.organisation.name),
        tokens=tokens,
        token_form=token_form or ApiTokenForm(formdata=None),
        revoke_forms={token.id: RevokeApiTokenForm() for token in tokens},
    )


@bp.route("/people/<id:user_id>")
@login_required
def show_person(user_id: int) -> Page:
    """A person's page: where an @mention in a post leads."""
    person = db.session.get(User, user_id)
    if not permissions.can_view_person(current_user, person):
        abort(404)
    memberships = sorted(person.memberships, key=lambda m: m.organisation.name)
    return render_template("accounts/person.html", person=person, memberships=memberships)


@bp.route("/tokens", methods=["POST"])
@login_required
def create_api_token() -> Page:
    """Create a personal API token and show it this once; only its keyed hash is kept."""
    user = current_user._get_current_object()
    token_form = ApiTokenForm()
    if not token_form.validate_on_submit():
        return _profile_page(user, ProfileForm(obj=user, formdata=None), token_form), 400
    try:
        created = api_tokens.create_token(
            user, token_form.token_name.data, write=token_form.write.data, days=int(token_form.days.data)
        )
    except api_tokens.TokenError as error:
        token_form.token_name.errors = [*token_form.token_name.errors, error.message]
        return _profile_page(user, ProfileForm(obj=user, formdata=None), token_form), 400
    return render_template("accounts/token_created.html", token=created.token, secret=created.secret)


@bp.route("/tokens/<id:token_id>/revoke", methods=["POST"])
@login_required
def revoke_api_token(token_id: int) -> Response:
    """Stop one of the person's own tokens from working."""
    if RevokeApiTokenForm().validate_on_submit():
        try:
            token = api_tokens.revoke_token(current_user._get_current_object(), token_id)
        except api_tokens.TokenError as error:
            flash(error.message, "error")
        else:
            flash(_("The token %(name)s is revoked: it no longer works.", name=token.name), "info")
    return redirect(url_for("accounts.profile", _anchor="api-tokens"))


def _has_remember_cookie() -> bool:
    return bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> Page:
    """Change a known password; other sessions end, this one is renewed so the person stays in."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            _show_error(form, error)
        else:
            # The change rotated the session token: renew this session so only the others end.
            login_user(user, remember=_has_remember_cookie())
            flash(_("Your password has been changed. You have been logged out on other devices."), "info")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)
