"""The one place that says what "now" is, so models get a function, not an import-time value."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware current time in UTC."""
    return datetime.now(UTC)
