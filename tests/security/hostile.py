"""Hostile requests built from the URL map: every route, with values an attacker or a fuzzer sends.

The bad-input tests walk `app.url_map` with these, so a route added later is attacked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Flask
from werkzeug.routing import Rule

# Wider than SQLite's and PostgreSQL's 64-bit INTEGER: a driver raises OverflowError on it.
HUGE = "99999999999999999999"
INT_LIMITS = (HUGE, str(2**63), "0")
NUL_TEXT = "zebra\x00nul"
CONTROL_TEXT = "zebra\x01\x07\x08\x0b\x0c\x1b[31m\x7fcontrol"
SURROGATE_TEXT = "zebra\ud800surrogate"
LONG_TEXT = "x" * 100_000
# Numbers past the range, a digit that str.isdigit accepts and int() refuses ("²"), a number
# longer than int()'s 4300-digit limit, a negative one and a float.
QUERY_NUMBERS = (HUGE, "%C2%B2", "1" * 5000, "-1", "1e9")
# A NUL, C0 controls, a lone continuation byte and an encoded surrogate (no UTF-8 either), and
# the non-character U+FFFF, percent-encoded as a client sends them.
QUERY_TEXTS = ("zebra%00nul", "%01%07%08%0B%0C%1B%7F", "%FF%FE", "%ED%A0%80", "%EF%BF%BF")
TEXTS = (NUL_TEXT, CONTROL_TEXT, LONG_TEXT)
# Bodies sent as application/json: nesting far past the parser's recursion limit and just past
# ours, broken JSON, JSON that is no UTF-8, and a body over JSON_MAX_LENGTH.
DEEP = 10_000
JSON_BODIES = (
    b"[" * DEEP + b"]" * DEEP,
    b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    b'{"text": ' + b"[" * 33 + b"]" * 33 + b"}",
    b'{"text": "unterminated',
    b'{"text": "\xff\xfe"}',
    b'{"text": "' + b"x" * (1024 * 1024 + 1) + b'"}',
)
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^>]*\))?:)?(\w+)>")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CLOSING = (
    "leave",
    "delete",
    "archive",
    "close",
    "suspend",
    "reject",
    "hide",
    "remove",
    "merge",
    "split",
    "move",
    "lock",
    "password",
    "logout",
)
# Query arguments some view reads (pages, filters, ids of related records).
QUERY_NAMES = (
    "page",
    "per_page",
    "org",
    "group",
    "practice",
    "translation_of",
    "top",
    "year",
    "q",
    "lang",
    "language",
    "kind",
    "sector",
    "country",
    "type",
    "sort",
    "state",
    "service",
    "next",
    "min_population",
    "max_population",
    "from",
    "to",
    "status",
)


@dataclass(frozen=True)
class Route:
    """One (rule, method) of the URL map."""

    endpoint: str
    method: str
    rule: Rule

    def int_arguments(self) -> list[str]:
        return [name for converter, name in ARGUMENT.findall(self.rule.rule) if converter in ("int", "id")]

    def url(self, values: dict[str, Any], **raw: str) -> str:
        """The rule's path with `values` (quoted) for its arguments, and `raw` ones as given."""

        def _fill(match: re.Match[str]) -> str:
            name = match.group(2)
            return raw[name] if name in raw else quote(str(values[name]), safe="/")

        return ARGUMENT.sub(_fill, self.rule.rule)


def routes(app: Flask, methods: set[str] | None = None) -> list[Route]:
    """Every route of the app but static files, once per method (HEAD and OPTIONS left out).
    Routes that end access to the world's records come last, so the others still reach their
    forms (a member who left the group gets a 403 before any input is read)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if methods is None or method in methods:
                found.append(Route(rule.endpoint, method, rule))
    return sorted(found, key=lambda route: any(word in route.endpoint for word in CLOSING))


def form_field_names() -> set[str]:
    """The field names of every form in the app (imported by the time the app is built)."""
    from flask_wtf import FlaskForm

    names: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(name for name, value in vars(form).items() if hasattr(value, "field_class"))
        names.update(
            name
            for base in form.__mro__
            for name, value in vars(base).items()
            if hasattr(value, "field_class")
        )
    return names


def hostile_form(text: str) -> dict[str, str]:
    """Every form field name of the app with `text` as its value."""
    return dict.fromkeys(form_field_names(), text)


def wrong_json_types() -> list[Any]:
    """JSON bodies of the wrong shape: no object at all, or an object whose every field (those of
    the forms and of the API) holds a list, an object, a number, a boolean or null."""
    names = form_field_names() | {"org", "text", "kinds", "sectors", "languages", "max_km", "target"}
    shapes: list[Any] = [[], [["a", "b"]], -1.5, "text", None]
    shapes += [dict.fromkeys(names, value) for value in ([1, "x"], {"a": "b"}, 2**70, False)]
    return shapes


def raw_form(encoded: str) -> bytes:
    """An urlencoded body giving every form field the raw (already percent-encoded) value."""
    return "&".join(f"{name}={encoded}" for name in sorted(form_field_names())).encode("ascii")


def query_strings(values: tuple[str, ...]) -> Iterator[str]:
    """Query strings naming every argument a view reads, each with every one of the raw `values`
    once (rotated, so that one argument's value never masks another's)."""
    for shift in range(len(values)):
        yield "&".join(f"{name}={values[(i + shift) % len(values)]}" for i, name in enumerate(QUERY_NAMES))


def is_server_error(url: str, status: int) -> bool:
    """A 5xx that is a failure: `/readyz` answers 503 by design when this node is not ready
    (a test app has no index yet), as a load balancer expects."""
    return status >= 500 and not (url.split("?")[0] == "/readyz" and status == 503)
