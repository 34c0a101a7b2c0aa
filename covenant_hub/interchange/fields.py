"""Field parsers for the interchange format, shared by every domain's file handler.

Each parser takes the raw JSON value and returns the value to store, or raises
`FieldError` with a reason a data steward can act on. Dates come back as `date` objects, times
as aware datetimes in UTC (`a_time`; SQLite keeps no offset, so only UTC survives the
database), and every file writes times through `time_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
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


def local_time(value: Any) -> datetime:
    """ISO 8601 with a zone, e.g. 2024-03-01T10:00:00Z or 2024-03-01T16:00:00+06:00, kept in
    its own offset for a record that has a local zone of its own (an event); convert it to UTC
    before storing it."""
    if not isinstance(value, str):
        raise FieldError(f"expected an ISO 8601 time, got {type_name(value)}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise FieldError(f"not an ISO 8601 time: {value!r}") from error
    if moment.tzinfo is None:
        raise FieldError(f"time needs a zone (e.g. Z): {value!r}")
    return moment


def a_time(value: Any) -> datetime:
    """ISO 8601 with a zone, as the same instant in UTC, ready to store."""
    return local_time(value).astimezone(UTC)


TIME_PARSERS: tuple[Parser, ...] = (a_time, local_time)


def time_text(moment: datetime) -> str:
    """A stored time as the format writes it: the instant in UTC with a `Z`, to the second
    (with the fraction when there is one). A naive value is UTC, as SQLite hands it back."""
    instant = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return instant.replace(tzinfo=None).isoformat(timespec="auto" if instant.microsecond else "seconds") + "Z"


class Records:
    """A non-empty JSON list of objects, each read field by field as a line is (a thread's
    posts); `fields` says how, so that a caller can see which fields the objects carry."""

    def __init__(self, fields: dict[str, Field], item_name: str) -> None:
        self.fields = fields
        self.item_name = item_name

    def __call__(self, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not value:
            raise FieldError(f"expected a non-empty list of {self.item_name}s")
        return [self._item(number, item) for number, item in enumerate(value, 1)]

    def _item(self, number: int, item: Any) -> dict[str, Any]:
        where = f"{self.item_name} {number}"
        if not isinstance(item, dict):
            raise FieldError(f"{where}: expected an object with {', '.join(self.fields)}")
        unknown = sorted(set(item) - set(self.fields))
        if unknown:
            raise FieldError(f"{where}: unknown field {unknown[0]!r}")
        values: dict[str, Any] = {}
        for name, spec in self.fields.items():
            if item.get(name) is None:
                if spec.required:
                    raise FieldError(f"{where}: {name}: required field is missing")
                continue
            try:
                values[name] = spec.parse(item[name])
            except FieldError as error:
                raise FieldError(f"{where}: {name}: {error}") from error
        return values


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
