"""The API's one error shape, `{"error": {"code", "message", "fields"}}`, in the caller's language.

Pydantic words its errors in English; the caller gets them from our catalogs instead, keyed by
pydantic's stable error `type`, with the limits pydantic reports (`ctx`) filled in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from flask import Response, abort, jsonify, make_response
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError

from covenant_hub import errors
from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.records import problem_text


def field_problems(error: ValidationError, root: str = "body") -> dict[str, str]:
    """{field name: message}; nested places are dotted (`items.0.name`; a bad key of a
    mapping is named by itself, `results.co2`), the first problem wins."""
    problems: dict[str, str] = {}
    for item in error.errors():
        name = ".".join(str(part) for part in item.get("loc", ()) if part != "[key]") or root
        problems.setdefault(name, problem_text(item))
    return problems


def envelope(code: int, message: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": dict(fields or {})}}


def invalid(fields: Mapping[str, str], code: int = 400) -> Response:
    """A 400 naming the first field in the message and every field in `fields`."""
    name, problem = next(iter(fields.items()))
    message = _("Invalid parameter %(name)s: %(problem)s", name=repr(name), problem=problem)
    return make_response(jsonify(envelope(code, message, fields)), code)


def fail(code: int, message: str, fields: Mapping[str, str] | None = None) -> NoReturn:
    """Stop the view with this error envelope (a refused step, a missing record)."""
    abort(make_response(jsonify(envelope(code, message, fields)), code))


def denied(user: Actor) -> NoReturn:
    """401 for an anonymous caller, 403 for one who may not."""
    if not getattr(user, "is_authenticated", False):
        fail(401, _("Log in first."))
    fail(403, _("You may not do this."))


def call_service(step: Callable[..., Any], *args: Any) -> Any:
    """The API's side of `errors.call_service`: call a service as the current caller and give
    its result, or stop with the refusal as an envelope (NotAllowed: 401 or 403, any other
    DomainError: its status, 400 for bad input)."""
    try:
        return step(current_user, *args)
    except errors.NotAllowed:
        db.session.rollback()
        denied(current_user)
    except errors.DomainError as error:
        db.session.rollback()
        fail(error.status, str(error))
