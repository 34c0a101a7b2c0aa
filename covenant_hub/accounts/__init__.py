"""Accounts: users, login, registration, password reset and preferences."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from covenant_hub.extensions import csrf, db, login_manager


def init_app(app: Flask) -> None:
    """Attach Flask-Login and CSRF protection and mount the accounts pages."""
    from covenant_hub.accounts.cli import register_cli
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
    register_notifications(app)
    register_cli(app)
