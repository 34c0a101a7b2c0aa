"""Friendly error pages in the user's language, and JSON errors under /api/."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, abort, current_app, flash, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from covenant_hub.extensions import db
from covenant_hub.i18n import error_page_language

ERROR_MESSAGES = {
    400: _l("The request could not be understood. Please check what you sent and try again."),
    401: _l("Please log in to see this page."),
    403: _l("You do not have permission to do this."),
    404: _l("We could not find that page."),
    405: _l("That action is not allowed here."),
    409: _l("This form is still being sent. Please wait a moment, then reload the page."),
    413: _l("The file or form you sent is too large."),
    429: _l("Too many attempts. Please try again later."),  # limits last a minute to an hour
    500: _l("Something went wrong on our side. The team has been told; please try again later."),
}
CSRF_MESSAGE = _l("The form expired or was sent from another site. Please reload the page and try again.")


class DomainError(Exception):
    """The one base of every service's refusals: `str(error)` is a message already translated
    for the person who tried, nothing was written, and `status` is what a page or the API answers."""

    status = 400


class NotAllowed(DomainError):
    """The person may not do this at all; each domain's NotAllowed derives from this one."""

    status = 403


@dataclass(frozen=True)
class Outcome:
    """What a service call gave a view: its result, or a refusal already shown to the person.
    True when the service ran, so `if call_service(...)` reads as "if it worked"."""

    ok: bool
    value: Any = None

    def __bool__(self) -> bool:
        return self.ok


def call_service(step: Callable[..., Any], *args: Any) -> Outcome:
    """Call a service as the current user: the one way views turn refusals into answers.

    On a DomainError the session is rolled back (nothing written); a refusal whose status is not
    400 (NotAllowed: 403, a file too large: 413) ends the request with that status, any other is
    flashed, in the person's language, and the view goes on to show its form again.
    """
    try:
        return Outcome(True, step(current_user, *args))
    except DomainError as error:
        db.session.rollback()
        if error.status != 400:
            abort(error.status)
        flash(str(error), "error")
        return Outcome(False)


def wants_json() -> bool:
    """API callers get JSON errors; people get pages."""
    return request.path.startswith("/api/")


def error_response(code: int, message: str, **context: object) -> tuple[Response | str, int]:
    """Render one error as JSON or as a page, never with a stack trace.

    JSON errors have the API's one shape, `{"error": {"code", "message", "fields"}}`.
    """
    if wants_json():
        fields = context.get("fields") or {}
        return jsonify({"error": {"code": code, "message": str(message), "fields": fields}}), code
    return render_template("errors/error.html", code=code, message=message, **context), code


def server_error_response() -> tuple[Response | str, int]:
    """The 500 answer, which must not fail itself: the session may be broken by a failed flush.

    The transaction is rolled back first, the language is read in a way that falls back to the
    request, and the page leaves out the account menu (it would query the user and their
    notifications); if rendering still fails, a bare page in the same language keeps the answer
    ours, with its security headers.
    """
    try:
        db.session.rollback()
    except Exception:  # a dead connection: nothing below needs the database
        current_app.logger.exception("Rolling back after an error failed")
    language = error_page_language()
    with force_locale(language):
        message = str(ERROR_MESSAGES[500])
        try:
            return error_response(500, message, without_account=True)
        except Exception:
            current_app.logger.exception("The error page failed; answering with the bare one")
            page = (
                f'<!doctype html><html lang="{escape(language)}"><title>500</title>'
                f"<p>{escape(message)}</p></html>"
            )
            return page, 500


def init_app(app: Flask) -> None:
    """Turn every HTTP error and every unexpected exception into a friendly response."""

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> tuple[Response | str, int]:
        return error_response(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[Response | str, int] | HTTPException:
        code = error.code or 500
        if code < 400:  # redirects raised as exceptions pass through untouched
            return error
        message = ERROR_MESSAGES.get(code, error.name)
        return error_response(code, str(message))

    @app.errorhandler(Exception)
    def _unexpected_error(error: Exception) -> tuple[Response | str, int]:
        app.logger.exception("Unhandled error on %s", request.path, exc_info=error)
        return server_error_response()

    @app.errorhandler(InternalServerError)
    def _internal_error(_error: InternalServerError) -> tuple[Response | str, int]:
        return server_error_response()
