"""What must never reach a log line or an error report: secrets, tokens, passwords, cookies."""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"
# A key naming any of these is sensitive, whatever else it says (csrf_token, SMTP_PASSWORD,
# X-Api-Key, remember_token, session, Authorization, COVENANT_SENTRY_DSN, ...).
SENSITIVE_KEY = re.compile(
    r"pass|secret|token|cookie|session|auth|api[-_]?key|csrf|dsn|signature|credential|otp", re.I
)


def sensitive(key: str) -> bool:
    return bool(SENSITIVE_KEY.search(key))


def scrub(value: Any) -> Any:
    """A copy of `value` whose sensitive keys (at any depth) hold `REDACTED`."""
    if isinstance(value, dict):
        return {k: REDACTED if isinstance(k, str) and sensitive(k) else scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value
