"""Hostile input stopped once, at the edge, for every route.

Ids and numbers in URLs and query strings are bounded to the database's 64-bit INTEGER range:
past it a driver raises OverflowError instead of finding nothing, so out-of-range ids are a 404
and out-of-range numbers count as absent.

Text is cleaned as the request parses it: every query-string, form and JSON string loses its
NUL bytes and C0 control characters (tab, newline and CR stay), and lone surrogates become
U+FFFD. Stored, such text broke XML feeds (lxml refuses it) and the database driver (a lone
surrogate cannot be encoded as UTF-8). Invalid UTF-8 never becomes text: Werkzeug keeps invalid
bytes of a query or form percent-encoded, and JSON that is no UTF-8 is a 400.

JSON is parsed at most MAX_JSON_DEPTH levels deep (deeper nesting made the parser raise
RecursionError) and `json_body` answers a 400 in the API's error envelope for a body that is
no JSON, or a 413 past config JSON_MAX_LENGTH.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, Request, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, ImmutableMultiDict, iter_multi_items
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, Map

from covenant_hub.drain import DrainRequestBody
from covenant_hub.errors import error_response

# The largest value of a signed 64-bit INTEGER (SQLite, PostgreSQL BIGINT); ids start at 1.
MAX_ID = 2**63 - 1
MAX_ID_DIGITS = len(str(MAX_ID))
# Deepest page any paged list answers; past it pages are empty anyway.
MAX_PAGE = 1_000_000
# What XML 1.0 cannot carry: C0 controls but tab, newline and CR, the non-characters U+FFFE and
# U+FFFF, and surrogates (in a Python str a surrogate is always a lone one).
# Deeper than any body the API takes (a match request is two levels deep).
MAX_JSON_DEPTH = 32
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


#: The same bounds spelled with werkzeug's own int converter, for the JSON API's routes: the
#: OpenAPI generator (spectree) knows only werkzeug's converter names, and reads min/max.
API_ID = f"int(min=1, max={MAX_ID})"


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


def int_arg(
    name: str,
    default: int | None = None,
    low: int = 1,
    high: int = MAX_ID,
    source: Mapping[str, Any] | None = None,
) -> int | None:
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


def _safe_character(match: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else ""


def clean_text(text: str) -> str:
    """`text` without control characters (but tab, newline, CR) and with lone surrogates as U+FFFD."""
    return UNSAFE_CHARACTERS.sub(_safe_character, text) if UNSAFE_CHARACTERS.search(text) else text


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, FileStorage) and value.filename:
        value.filename = clean_text(value.filename)
    return value


def clean_json(value: Any, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Every string (keys too) of parsed JSON cleaned, in place; ValueError past `max_depth`
    levels of arrays and objects. Without recursion, so any depth the parser allows is safe."""
    if isinstance(value, str):
        return clean_text(value)
    pending = [(value, 1)] if isinstance(value, (list, dict)) else []
    while pending:
        node, depth = pending.pop()
        if depth > max_depth:
            raise ValueError(f"JSON nested deeper than {max_depth} levels")
        pairs: Iterable[tuple[Any, Any]] = enumerate(node) if isinstance(node, list) else list(node.items())
        if isinstance(node, dict):
            node.clear()
        for key, item in pairs:
            if isinstance(item, (list, dict)):
                pending.append((item, depth + 1))
            node[clean_text(key) if isinstance(key, str) else key] = _clean_value(item)
    return value


def json_object() -> dict[str, Any]:
    """The request's JSON body as an object: InvalidJSON for anything else (see `json_body`)."""
    body = json_body()
    if not isinstance(body, dict):
        raise InvalidJSON(_("Send a JSON object."))
    return body


def text_field(data: Mapping[str, Any], name: str) -> str:
    """`data[name]` when it is a string, else "": a JSON client may send a list or a number."""
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


def json_formdata(body: Any) -> ImmutableMultiDict[str, str]:
    """A JSON object as form data: strings, numbers and booleans as strings, a list's as repeated
    values; anything else (nested objects, null, a body that is no object) gives no value."""
    pairs: list[tuple[str, str]] = []
    for key, value in body.items() if isinstance(body, dict) else ():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bool):
                pairs.append((key, "true" if item else "false"))
            elif isinstance(item, (str, int, float)):
                pairs.append((key, str(item)))
    return ImmutableMultiDict(pairs)


class CleanMultiDict(ImmutableMultiDict):  # type: ignore[type-arg]
    """The request's args, form and files: keys, values and file names cleaned as they are parsed."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
        else:
            pairs = iter_multi_items(mapping)
            super().__init__([(_clean_value(key), _clean_value(value)) for key, value in pairs])


class CleanRequest(Request):
    """Flask's request, whose query string, form and uploads are parsed into CleanMultiDicts."""

    parameter_storage_class = CleanMultiDict


class CleanJSONProvider(DefaultJSONProvider):
    """Flask's JSON, whose `loads` (request.get_json, Flask-WTF's JSON forms) cleans every string
    and refuses deep nesting with ValueError, which get_json treats as invalid JSON."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError as error:  # the C parser's own limit, near 1000 levels
            raise ValueError("JSON nested too deeply") from error
        return clean_json(value)


class InvalidJSON(BadRequest):
    """A body the API cannot read as JSON; answered as a 400 with this message."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _("Send a valid JSON body, nested at most %(depth)d levels deep.", depth=MAX_JSON_DEPTH)
        )


def json_body() -> Any:
    """The request's JSON body: InvalidJSON when it is missing, invalid or too deep, and
    RequestEntityTooLarge (413) past config JSON_MAX_LENGTH. Every JSON endpoint reads it here."""
    if len(request.get_data(cache=True)) > current_app.config["JSON_MAX_LENGTH"]:
        raise RequestEntityTooLarge()
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidJSON()
    return body


def init_app(app: Flask) -> None:
    """The `id` URL converter (before any blueprint adds its rules), the cleaning request class,
    the cleaning JSON loader and the draining of unread request bodies."""
    app.url_map.converters["id"] = IdConverter
    app.request_class = CleanRequest
    app.json = CleanJSONProvider(app)
    app.register_error_handler(InvalidJSON, lambda error: error_response(400, str(error.description)))
    # Last, around whatever else wraps the app (ProxyFix): it must run before the server sends.
    limit = int(app.config.get("MAX_DRAIN_LENGTH") or 0)
    app.wsgi_app = DrainRequestBody(app.wsgi_app, limit)  # type: ignore[method-assign]
