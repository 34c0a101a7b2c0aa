"""The error reporter: Sentry, initialised only when `COVENANT_SENTRY_DSN` is set.

No personal data is sent (`send_default_pii=False`), no performance traces, and every event
passes `scrub_event` first: cookies, the Authorization header, query strings and any field
whose name looks secret are removed (see `scrub.sensitive`).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from covenant_hub.ops.scrub import REDACTED, scrub, sensitive

log = logging.getLogger(__name__)
_DROPPED_HEADERS = frozenset({"cookie", "authorization", "x-api-key", "proxy-authorization", "set-cookie"})


def scrub_event(event: dict[str, Any], _hint: Any = None) -> dict[str, Any]:
    """Sentry's `before_send`: the event with its secrets taken out."""
    req = event.get("request")
    if isinstance(req, dict):
        _scrub_request(req)
    for key in ("extra", "contexts"):
        if isinstance(event.get(key), dict):
            event[key] = scrub(event[key])
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        if isinstance(crumb.get("data"), dict):
            crumb["data"] = scrub(crumb["data"])
    for exc in (event.get("exception") or {}).get("values", []):
        for frame in (exc.get("stacktrace") or {}).get("frames", []):
            if isinstance(frame.get("vars"), dict):
                frame["vars"] = scrub(frame["vars"])
    return event


def _scrub_request(req: dict[str, Any]) -> None:
    """Headers that carry credentials, cookies, the query string, secret form fields and env."""
    headers = req.get("headers") or {}
    req["headers"] = {k: (REDACTED if k.lower() in _DROPPED_HEADERS or sensitive(k) else v)
                      for k, v in headers.items()}  # fmt: skip
    req.pop("cookies", None)
    if req.get("query_string"):
        req["query_string"] = REDACTED
    if "url" in req and isinstance(req["url"], str):
        req["url"] = req["url"].split("?", 1)[0]
    if "data" in req:
        req["data"] = scrub(req["data"]) if isinstance(req["data"], dict) else REDACTED
    if "env" in req:
        req["env"] = scrub(req["env"])


def init_app(app: Flask) -> bool:
    """Start Sentry when a DSN is configured; say whether it was started."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration()],
        send_default_pii=False,
        traces_sample_rate=0.0,
        environment=app.config.get("SENTRY_ENVIRONMENT") or "production",
        before_send=scrub_event,  # type: ignore[arg-type]
        max_request_body_size="never",
    )
    log.info("error reports go to Sentry")
    return True
