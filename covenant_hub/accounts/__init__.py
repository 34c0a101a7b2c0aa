"""Accounts: users, login, registration, password reset and preferences."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from covenant_hub.extensions import csrf, db, login_manager
from covenant_hub.jobs.queue import register_periodic


def init_app(app: Flask) -> None:
    """Attach Flask-Login and CSRF protection and mount the accounts pages."""
    from covenant_hub.accounts import digests
    from covenant_hub.accounts.cli import register_cli
    from covenant_hub.accounts.mail_settings_views import bp as mail_settings_bp
    from covenant_hub.accounts.models import User
    from covenant_hub.accounts.notifications import register_notifications
    from covenant_hub.accounts.views import bp

    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.needs_refresh_message = _l("Please reauthenticate to access this page.")
    login_manager.needs_refresh_message_category = "info"

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or user.session_token != token:
            return None
        return user

    app.register_blueprint(bp)
    app.register_blueprint(mail_settings_bp)
    register_notifications(app)
    register_periodic(
        app, "digest.daily", {"minute": "0", "hour": "6"}, lambda: digests.send_digests("daily")
    )
    register_periodic(
        app,
        "digest.weekly",
        {"minute": "0", "hour": "6", "day_of_week": "1"},
        lambda: digests.send_digests("weekly"),
    )
    register_cli(app)
