"""Hostile input stopped once, at the edge, for every route.

Ids and numbers in URLs and query strings are bounded to the database's 64-bit INTEGER range:
past it a driver raises OverflowError instead of finding nothing, so out-of-range ids are a 404
and out-of-range numbers count as absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter, Map

# The largest value of a signed 64-bit INTEGER (SQLite, PostgreSQL BIGINT); ids start at 1.
MAX_ID = 2**63 - 1
MAX_ID_DIGITS = len(str(MAX_ID))
# Deepest page any paged list answers; past it pages are empty anyway.
MAX_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """`<id:name>`: ASCII digits for an int from 1 to MAX_ID; anything else does not match (404)."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, min: int = 1, max: int = MAX_ID) -> None:  # noqa: A002  (werkzeug's names)
        super().__init__(map, min=min, max=max)


def parse_int(raw: Any, low: int = 1, high: int = MAX_ID) -> int | None:
    """`raw` as an int in [low, high], or None.

    ASCII digits only: `str.isdigit` also accepts "²", which `int()` refuses, and a string of
    thousands of digits makes `int()` raise (Python's digit limit) before any range check.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > MAX_ID_DIGITS:
        return None
    value = int(text)
    return value if low <= value <= high else None


def int_arg(name: str, default: int | None = None, low: int = 1, high: int = MAX_ID,
            source: Mapping[str, Any] | None = None) -> int | None:
    """The query argument `name` (or `source[name]`) as a bounded int; `default` when absent or
    not a whole number in [low, high]."""
    value = parse_int((request.args if source is None else source).get(name), low, high)
    return default if value is None else value


def page_arg(name: str = "page") -> int:
    """The page number of a paged list: 1 unless the query asks for one from 1 to MAX_PAGE."""
    return int_arg(name, 1, 1, MAX_PAGE) or 1


def record_id(value: Any) -> int:
    """A form choice's coerce function for record ids: ValueError (a form error) outside the range."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
        return value
    number = parse_int(value)
    if number is None:
        raise ValueError(value)
    return number


def register_inputs(app: Flask) -> None:
    """The `id` URL converter; registered before any blueprint adds its rules."""
    app.url_map.converters["id"] = IdConverter
