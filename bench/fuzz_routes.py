"""Bad-input battery: hostile requests on every rule of app.url_map against gunicorn, logged out
and logged in (a member and an admin) with real CSRF tokens; no answer may be a 5xx.

Run: .venv/bin/python bench/fuzz_routes.py [--workers 3] [--threads 3] [--stride 1]

The site is the security tests' world (tests/security/world.py: something private in every
domain, so every URL argument has a real value). Each visitor logs in through the login form
and takes the CSRF token from a page, so requests get past CSRF to the views. For every rule
and method: unknown ids, ids past the 64-bit range, path traversal, NUL bytes, invalid UTF-8
and lone surrogates in URL arguments; huge, malformed and hostile values for every query
argument a view reads; and for POST/PUT/PATCH/DELETE a body with the fields missing, 100 kB
strings, NUL bytes, C0 controls, invalid UTF-8, lone surrogates, huge numbers, JSON of the
wrong types, JSON nested 10,000 deep, broken JSON, uploads of HTML posing as PDF, traversal and
NUL in file names, and an upload one byte over MAX_CONTENT_LENGTH. ``--stride N`` sends every
Nth case of each route (rotated per route, so each kind still reaches many routes). Prints one
JSON line: routes, requests, answers by status class, 5xx, dropped connections, the kinds of
case that failed, examples.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import itertools
import json
import re
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.livesite import CSRF, Client, Server, site_config  # noqa: E402

VISITORS = ("anonymous", "member", "admin")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
HUGE = "99999999999999999999"
LONG = "x" * 100_000
# Query arguments some view reads (pages, filters, ids of related records).
QUERY_NAMES = ("page", "per_page", "org", "group", "practice", "translation_of", "top", "year", "q",
               "lang", "language", "kind", "sector", "country", "type", "sort", "state", "service",
               "next", "min_population", "max_population", "from", "to", "status", "limit",
               "offset")  # fmt: skip
# Raw (already percent-encoded) values: numbers past every range or malformed, a NUL, C0
# controls, invalid UTF-8, an encoded surrogate, the non-character U+FFFF.
QUERY_VALUES = {
    "query_huge": HUGE, "query_negative": "-1", "query_float": "1e999", "query_superscript": "%C2%B2",
    "query_long_number": "9" * 600, "query_nul": "zebra%00nul", "query_controls": "%01%07%1B%7F",
    "query_bad_utf8": "%FF%FE", "query_surrogate": "%ED%A0%80", "query_nonchar": "%EF%BF%BF",
    "query_traversal": "..%2F..%2F..%2Fetc%2Fpasswd", "query_array": "[]",
}  # fmt: skip
ARGUMENT_VALUES = {
    "arg_unknown": None, "arg_huge": HUGE, "arg_negative": "-1", "arg_traversal": "..%2F..%2Fetc%2Fpasswd",
    "arg_dots": "..", "arg_nul": "x%00y", "arg_bad_utf8": "%FF%FE", "arg_surrogate": "%ED%A0%80",
    "arg_long": "y" * 3000,
}  # fmt: skip
FORM_VALUES = {
    "form_long": LONG, "form_nul": "zebra\x00nul", "form_controls": "zebra\x01\x07\x1b[31m\x7f",
    "form_huge_number": HUGE, "form_negative": "-1", "form_float": "1e999", "form_html": "<script>x</script>",
}  # fmt: skip
FORM_RAW = {"form_bad_utf8": "%FF%FE", "form_surrogate": "%ED%A0%80", "form_nonchar": "%EF%BF%BF"}
DEEP = 10_000
ARGUMENT = re.compile(r"<(?:\w+(?:\([^>]*\))?:)?(\w+)>")
HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    rule: str
    arguments: tuple[tuple[str, str], ...]  # (name, converter)


@dataclass
class Plan:
    """What the site offers: its routes, a real value for every URL argument, form fields."""

    routes: list[Route]
    values: dict[str, Any]
    emails: dict[str, str]
    fields: list[str]
    file_fields: list[str]
    max_content_length: int


@dataclass(frozen=True)
class Case:
    kind: str
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


def _form_fields() -> tuple[list[str], list[str]]:
    """Every field name of every form in the app, and those that take a file."""
    from flask_wtf import FlaskForm
    from flask_wtf.file import FileField

    names, files, pending = set(), set(), list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        for base in form.__mro__:
            for name, value in vars(base).items():
                if hasattr(value, "field_class"):
                    (files if issubclass(value.field_class, FileField) else names).add(name)
    return sorted(names - {"csrf_token"}), sorted(files)


def _routes(app: Any) -> list[Route]:
    found = []
    for rule in app.url_map.iter_rules():
        converters = {name: type(conv).__name__ for name, conv in rule._converters.items()}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append(Route(rule.endpoint, method, rule.rule, tuple(sorted(converters.items()))))
    return found


def seed(config: dict[str, Any]) -> Plan:
    """Migrate, build the security tests' world, index it; the plan of the attack."""
    from flask_migrate import upgrade

    from covenant_hub import create_app
    from covenant_hub.extensions import db
    from covenant_hub.search import indexer
    from covenant_hub.search.service import get_service
    from tests.security.world import SecurityWorld

    app = create_app({**config, "SEARCH_WORKER": "off"})
    with app.app_context():
        upgrade()
        world = SecurityWorld(app)
        values = world.arguments()
        emails = {"member": world.author.email, "admin": world.users["admin"].email}
        fields, file_fields = _form_fields()
        plan = Plan(_routes(app), values, emails, fields, file_fields, app.config["MAX_CONTENT_LENGTH"])
        indexer.rebuild(get_service(app).index, procs=1)
        db.engine.dispose()
    return plan


def _path(route: Route, values: dict[str, Any], raw: dict[str, str] | None = None) -> str:
    """The rule's path with ``values`` (quoted) for its arguments, ``raw`` ones as given."""

    def _fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if raw and name in raw:
            return raw[name]
        return urllib.parse.quote(str(values[name]), safe="/")

    return ARGUMENT.sub(_fill, route.rule)


def _unknown(converter: str) -> str:
    return "999999999" if converter in ("IntegerConverter", "IdConverter") else "no-such-thing"


def argument_cases(route: Route, values: dict[str, Any]) -> Iterator[Case]:
    for kind, value in ARGUMENT_VALUES.items():
        for name, converter in route.arguments:
            raw = _unknown(converter) if value is None else value
            yield Case(f"{kind}:{name}", route.method, _path(route, values, {name: raw}))


def query_cases(route: Route, values: dict[str, Any]) -> Iterator[Case]:
    base = _path(route, values)
    for kind, value in QUERY_VALUES.items():
        yield Case(kind, route.method, base + "?" + "&".join(f"{name}={value}" for name in QUERY_NAMES))
    yield Case("query_repeated", route.method, base + "?" + "&".join(f"page={n}" for n in range(300)))


def _form(fields: list[str], value: str, token: str) -> bytes:
    return urllib.parse.urlencode({**dict.fromkeys(fields, value), "csrf_token": token}).encode()


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content_type, data) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n")  # fmt: skip
        parts.append(head.encode("utf-8", "surrogateescape") + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def body_cases(route: Route, plan: Plan, token: str, oversize: bool) -> Iterator[Case]:
    path, method, form = _path(route, plan.values), route.method, "application/x-www-form-urlencoded"
    yield Case("form_missing", method, path, _form([], "", token), (("Content-Type", form),))
    for kind, value in FORM_VALUES.items():
        yield Case(kind, method, path, _form(plan.fields, value, token), (("Content-Type", form),))
    for kind, raw in FORM_RAW.items():
        body = "&".join(f"{name}={raw}" for name in plan.fields) + f"&csrf_token={urllib.parse.quote(token)}"
        yield Case(kind, method, path, body.encode(), (("Content-Type", form),))
    yield from json_cases(route, plan, token)
    yield from upload_cases(route, plan, token, oversize)


def json_cases(route: Route, plan: Plan, token: str) -> Iterator[Case]:
    headers = (("Content-Type", "application/json"), ("X-CSRFToken", token))
    path = _path(route, plan.values)
    bodies = {
        "json_list": b"[]", "json_string": b'"text"', "json_number": b"1", "json_null": b"null",
        "json_wrong_types": json.dumps({name: [] for name in plan.fields}).encode(),
        "json_objects": json.dumps({name: {"a": 1} for name in plan.fields}).encode(),
        "json_huge_numbers": json.dumps(dict.fromkeys(plan.fields, 10**30)).encode(),
        "json_deep_list": b"[" * DEEP + b"]" * DEEP, "json_deep_object": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
        "json_broken": b'{"text": "unterminated', "json_bad_utf8": b'{"text": "\xff\xfe"}',
        "json_surrogate": b'{"text": "\\ud800", "org": "\\udfff"}',
    }  # fmt: skip
    for kind, body in bodies.items():
        yield Case(kind, route.method, path, body, headers)


def upload_cases(route: Route, plan: Plan, token: str, oversize: bool) -> Iterator[Case]:
    path = _path(route, plan.values)
    fields = {**dict.fromkeys(plan.fields, "x"), "csrf_token": token}
    uploads = {
        "upload_html_as_pdf": ("plan.pdf", "application/pdf", HTML_AS_PDF),
        "upload_traversal_name": ("../../../../tmp/evil.pdf", "application/pdf", b"%PDF-1.4\n"),
        "upload_nul_name": ("a\x00b.pdf", "application/pdf", b"%PDF-1.4\n"),
        "upload_bad_utf8_name": ("\udcff\udcfe.pdf", "application/pdf", b"%PDF-1.4\n"),
        "upload_empty": ("", "application/octet-stream", b""),
    }
    if oversize:
        uploads["upload_oversize"] = (
            "big.pdf",
            "application/pdf",
            b"%PDF-1.4\n" + b"0" * plan.max_content_length,
        )
    for kind, upload in uploads.items():
        body, content_type = _multipart(fields, dict.fromkeys(plan.file_fields, upload))
        yield Case(kind, route.method, path, body, (("Content-Type", content_type),))


@dataclass
class Findings:
    """Answers of every visitor (lists appended from several threads)."""

    requests: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    failures: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    kinds: collections.Counter = field(default_factory=collections.Counter)  # failures by case kind
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, visitor: str, case: Case, status: int | None, route: Route) -> None:
        where = f"{visitor} {case.method} {route.endpoint} {case.kind} {case.path[:120]}"
        with self.lock:
            self.requests += 1
            if status is None:
                self.dropped.append(where)
                self.kinds[f"dropped {case.kind.split(':')[0]}"] += 1
                return
            self.statuses[f"{status // 100}xx"] += 1
            if status >= 500 and not (
                route.endpoint == "site.readyz" and status == 503
            ):  # not ready: by design
                self.failures.append(f"{status} {where}")
                self.kinds[f"{status} {case.kind.split(':')[0]}"] += 1


def _token(client: Client) -> str:
    for path in ("/", "/account/login", "/forum/"):
        match = CSRF.search(client.get(path).body)
        if match:
            return match.group(1)
    raise RuntimeError("no page with a CSRF token")


def visitor_client(base: str, visitor: str, plan: Plan) -> tuple[Client, str]:
    from tests.conftest import TEST_PASSWORD

    client = Client(base, timeout=60)
    if visitor != "anonymous":
        client.login(plan.emails[visitor], TEST_PASSWORD)
    return client, _token(client)


def cases_for(route: Route, plan: Plan, visitor: str, token: str, stride: int, offset: int) -> list[Case]:
    cases = list(argument_cases(route, plan.values)) + list(query_cases(route, plan.values))
    if route.method in UNSAFE:
        cases += list(body_cases(route, plan, token, oversize=visitor == "member"))
    return cases[offset % stride :: stride] if stride > 1 else cases


def skipped(route: Route, visitor: str) -> bool:
    """Logging out would turn the rest of a signed-in visitor's run into an anonymous one."""
    return visitor != "anonymous" and route.endpoint == "accounts.logout"


def attack(base: str, visitor: str, plan: Plan, routes: list[Route], stride: int, findings: Findings) -> None:
    client, token = visitor_client(base, visitor, plan)
    for number, route in enumerate(routes):
        if skipped(route, visitor):
            continue
        for case in cases_for(route, plan, visitor, token, stride, number):
            try:
                answer = client.request(
                    case.path, data=case.body, headers=dict(case.headers), method=case.method
                )
                status: int | None = answer.status
            except (OSError, http.client.HTTPException):
                status = None
            findings.record(visitor, case, status, route)


def run(base_dir: Path, workers: int = 3, threads: int = 3, stride: int = 1,
        visitors: tuple[str, ...] = VISITORS,
        extra_config: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """The battery in ``base_dir``; the figures of the JSON line. The routes are split between
    ``threads`` clients per visitor (GETs first, so the state-changing requests come last)."""
    config = {**site_config(base_dir), **(extra_config or {})}
    plan = seed(config)
    ordered = sorted(plan.routes, key=lambda r: (r.method in UNSAFE, r.endpoint, r.method))
    findings = Findings()
    started = time.monotonic()
    with Server(config, workers=workers) as server:
        jobs = [threading.Thread(target=attack, args=(server.url, visitor, plan, ordered[n::threads], stride,
                                                      findings))
                for visitor, n in itertools.product(visitors, range(threads))]  # fmt: skip
        for job in jobs:
            job.start()
        for job in jobs:
            job.join()
        long_url = Client(server.url).get("/search?q=" + "z" * 100_000).status  # past gunicorn's line limit
    return {
        "routes": len({(r.rule, r.method) for r in plan.routes}), "visitors": list(visitors),
        "requests": findings.requests + 1, "statuses": dict(sorted(findings.statuses.items())),
        "5xx": len(findings.failures) + (long_url >= 500), "dropped": len(findings.dropped),
        "long_url_status": long_url, "seconds": round(time.monotonic() - started, 1),
        "failed_kinds": dict(findings.kinds.most_common()),
        "examples": findings.failures[:6] + findings.dropped[:4],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=3, help="clients per visitor")
    parser.add_argument("--stride", type=int, default=1, help="send every Nth case of each route")
    parser.add_argument("--keep", type=Path, help="run in this (new) folder and keep it: gunicorn.log")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=args.keep is None)
        print(json.dumps(run(base, args.workers, args.threads, args.stride)))


if __name__ == "__main__":
    main()
