"""The pydantic base types that the interchange files and the JSON API share (core: every
domain may use them), so that an importer and an endpoint refuse the same values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from covenant_hub.vocabularies import SECTORS

Code = Annotated[str, Field(pattern=r"^[a-z]{2}$", description="ISO code: two lower-case letters")]
Sector = Literal[SECTORS]  # type: ignore[valid-type]


class Model(BaseModel):
    """Our base: unknown fields in a request are refused rather than ignored."""

    model_config = ConfigDict(extra="forbid")


def _choices(ctx: Mapping[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")


def problem_text(error: Mapping[str, Any]) -> str:  # noqa: C901  (a flat table, one branch per type)
    """One pydantic error in words (the API's fields and the importer's lines say the same)."""
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
