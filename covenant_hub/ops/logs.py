"""One log line per request, in JSON (`COVENANT_LOG_FORMAT=json`) or text, with a request id.

The id comes from the client's or proxy's `X-Request-ID` when it is a plain token (letters,
digits, `-_.:`, at most 128), else a new one; it is echoed in the response and added to every
record logged during the request. A line names the route's *rule* (`/account/reset/<token>`),
never the path or the query string, which may hold tokens; it names the user by id only.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from flask.wrappers import Response

from covenant_hub.ops.scrub import scrub

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_HANDLER_MARK = "_covenant_handler"
# Attributes every LogRecord has; anything else was passed with `extra=` and is logged too.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
request_log = logging.getLogger("covenant_hub.request")


def request_id_from(header: str | None) -> str:
    """The client's id when it is a plain token, else a fresh one (never echo arbitrary text)."""
    if header and _VALID_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestContextFilter(logging.Filter):
    """Stamp each record with the current request's id (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request id and any extras
    (scrubbed of sensitive keys), and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        line.update(scrub(extras))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def make_handler(fmt: str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestContextFilter())
    setattr(handler, _HANDLER_MARK, True)
    return handler


def configure(fmt: str, level: str = "INFO") -> None:
    """Send the app's loggers (`covenant_hub.*`) to stderr in `fmt`; safe to call again (tests
    build many apps), the previous handler is replaced, not doubled."""
    if fmt not in {"json", "text"}:
        raise ValueError(f"COVENANT_LOG_FORMAT must be 'json' or 'text', not {fmt!r}")
    logger = logging.getLogger("covenant_hub")
    for old in [h for h in logger.handlers if getattr(h, _HANDLER_MARK, False)]:
        logger.removeHandler(old)
    logger.addHandler(make_handler(fmt))
    logger.setLevel(level.upper())
    logger.propagate = False


def init_app(app: Flask) -> None:
    """Configure the loggers and time, id and log each request."""
    configure(str(app.config.get("LOG_FORMAT") or "text").lower(), str(app.config.get("LOG_LEVEL") or "INFO"))
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)
    app.before_request(_begin)
    app.after_request(_finish)


def _begin() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def route_label() -> str:
    """The matched rule (`/practices/<id:practice_id>`), or `<unmatched>` for a 404/405."""
    rule = request.url_rule
    return rule.rule if rule is not None else "<unmatched>"


def _user_id() -> str | None:
    from flask_login import current_user

    try:
        # The primary key, never get_id(): that carries the session token of the login.
        return str(current_user.id) if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - a log line must never fail the request
        return None


def _finish(response: Response) -> Response:
    request_id = g.get("request_id") or request_id_from(None)
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started is not None else None
    request_log.info(
        "%s %s %s", request.method, route_label(), response.status_code,
        extra={"request_id": request_id, "user_id": _user_id(), "method": request.method,
               "route": route_label(), "status": response.status_code, "duration_ms": duration_ms},
    )  # fmt: skip
    return response
