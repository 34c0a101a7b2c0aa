"""Logging a test client in without a password round trip."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


def login(client: FlaskClient, user: Any | None) -> FlaskClient:
    """Put `user` in the session as Flask-Login would; None leaves the client anonymous."""
    with client.session_transaction() as session:
        if user is None:
            session.pop("_user_id", None)
        else:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client
