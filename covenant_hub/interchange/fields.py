"""Field parsers for the interchange format, shared by every domain's file handler.

Each parser takes the raw JSON value and returns the value to store, or raises
`FieldError` with a reason a data steward can act on. Dates come back as `date` objects.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlparse

Parser = Callable[[Any], Any]
COUNTRY_RE = re.compile(r"^[a-z]{2}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FieldError(ValueError):
    """One field of one line breaks the format; the message is the reason."""


@dataclass(frozen=True)
class Field:
    """How one field is read: its parser and whether a line must have it."""

    parse: Parser
    required: bool = False


def string(max_length: int = 300) -> Parser:
    """A non-empty single-line string."""

    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError(f"expected a string, got {type_name(value)}")
        text = value.strip()
        if not text:
            raise FieldError("must not be empty")
        if len(text) > max_length:
            raise FieldError(f"longer than {max_length} characters")
        return text

    return parse


def text(value: Any) -> str:
    """Plain text or Markdown, kept exactly as given (line breaks and all)."""
    if not isinstance(value, str):
        raise FieldError(f"expected a string, got {type_name(value)}")
    return value


def choice(options: Iterable[str]) -> Parser:
    allowed = tuple(options)

    def parse(value: Any) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise FieldError(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    return parse


def integer(minimum: int | None = None) -> Parser:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(f"expected an integer, got {type_name(value)}")
        if minimum is not None and value < minimum:
            raise FieldError(f"must be >= {minimum}")
        return value

    return parse


def number(low: float, high: float) -> Parser:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FieldError(f"expected a number, got {type_name(value)}")
        if not low <= value <= high:
            raise FieldError(f"must be between {low:g} and {high:g}")
        return float(value)

    return parse


def a_date(value: Any) -> date:
    """`YYYY-MM-DD`, a real calendar day."""
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise FieldError(f"expected a date YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise FieldError(f"not a real date: {value!r}") from error


def a_time(value: Any) -> datetime:
    """ISO 8601 with a zone, e.g. 2024-03-01T10:00:00Z."""
    if not isinstance(value, str):
        raise FieldError(f"expected an ISO 8601 time, got {type_name(value)}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise FieldError(f"not an ISO 8601 time: {value!r}") from error
    if moment.tzinfo is None:
        raise FieldError(f"time needs a zone (e.g. Z): {value!r}")
    return moment


def country(value: Any) -> str:
    if not isinstance(value, str) or not COUNTRY_RE.match(value):
        raise FieldError(f"expected an ISO 3166-1 alpha-2 code in lower case, got {value!r}")
    return value


def language(value: Any) -> str:
    if not isinstance(value, str) or not LANGUAGE_RE.match(value):
        raise FieldError(f"expected an ISO 639-1 code in lower case, got {value!r}")
    return value


def url(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError(f"expected an http(s) URL, got {type_name(value)}")
    if not is_http_url(value):
        raise FieldError(f"not an http(s) URL: {value!r}")
    return value


def is_http_url(value: str) -> bool:
    """True for an absolute http:// or https:// URL with a host and no spaces."""
    parsed = urlparse(value.strip())
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and " " not in value.strip()


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"expected true or false, got {type_name(value)}")
    return value


def list_of(item: Parser, unique: bool = True) -> Parser:
    """A JSON list whose every item passes `item`; duplicates are an error."""

    def parse(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise FieldError(f"expected a list, got {type_name(value)}")
        items = []
        for position, raw in enumerate(value):
            try:
                items.append(item(raw))
            except FieldError as error:
                raise FieldError(f"item {position}: {error}") from error
        if unique and len(set(map(str, items))) != len(items):
            raise FieldError("has duplicate items")
        return items

    return parse


def type_name(value: Any) -> str:
    """JSON's name for a Python value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {str: "string", int: "integer", float: "number", list: "list", dict: "object"}.get(
        type(value), type(value).__name__
    )
