"""The API's one error shape, `{"error": {"code", "message", "fields"}}`, in the caller's language.

Pydantic words its errors in English; the caller gets them from our catalogs instead, keyed by
pydantic's stable error `type`, with the limits pydantic reports (`ctx`) filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from flask import Response, abort, jsonify, make_response
from flask_babel import gettext as _
from pydantic import ValidationError


def _choices(ctx: Mapping[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")


def _problem(error: Mapping[str, Any]) -> str:  # noqa: C901  (a flat table, one branch per type)
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not known here.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type"):
        return _("Enter a number.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(limit)s.", limit=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(limit)s.", limit=ctx.get("le", ctx.get("lt")))
    if kind in ("string_too_short", "too_short"):
        return _("Too short: at least %(num)s needed.", num=ctx.get("min_length"))
    if kind in ("string_too_long", "too_long"):
        return _("Too long: at most %(num)s allowed.", num=ctx.get("max_length"))
    if kind in ("literal_error", "enum"):
        return _("Must be one of: %(choices)s.", choices=_choices(ctx))
    if kind == "string_pattern_mismatch":
        return _("This value does not have the expected form.")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("This value has the wrong type.")
    if kind.startswith(("date", "datetime", "time")):
        return _("Enter a date and time as ISO 8601, such as 2026-05-01T10:00:00+06:00.")
    if kind == "value_error":
        return str(ctx.get("error", "")) or _("This value is not valid.")
    return _("This value is not valid.")


def field_problems(error: ValidationError, root: str = "body") -> dict[str, str]:
    """{field name: message}; nested places are dotted (`items.0.name`), the first problem wins."""
    problems: dict[str, str] = {}
    for item in error.errors():
        name = ".".join(str(part) for part in item.get("loc", ())) or root
        problems.setdefault(name, _problem(item))
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


def denied(user: Any) -> NoReturn:
    """401 for an anonymous caller, 403 for one who may not."""
    if not getattr(user, "is_authenticated", False):
        fail(401, _("Log in first."))
    fail(403, _("You may not do this."))
