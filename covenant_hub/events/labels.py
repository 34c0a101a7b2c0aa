"""Translated names of event kinds, and times shown in the event's zone and the reader's locale."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_gmt
from flask_babel import lazy_gettext as _l

from covenant_hub.i18n import current_language, formatting_locale

KIND_LABELS = {
    "event": _l("Event"),
    "masterclass": _l("Master class"),
    "webinar": _l("Webinar"),
}


def _locale(language: str | None = None) -> str:
    return formatting_locale(language or current_language())


def kind_label(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


def format_when(start: datetime, end: datetime, zone: ZoneInfo, language: str | None = None) -> str:
    """ "27 Nov 2026, 10:00–12:00 (GMT+06:00)" in the reader's locale, in the event's own zone.

    Same-day events show the date once; longer ones show both dates.
    """
    locale = _locale(language)
    start_local, end_local = start.astimezone(zone), end.astimezone(zone)
    gmt = get_timezone_gmt(start_local, "short", locale=locale)
    first = _day_and_time(start_local, locale)
    if start_local.date() == end_local.date():
        last = format_time(end_local, "short", locale=locale)
    else:
        last = _day_and_time(end_local, locale)
    return f"{first} – {last} ({gmt}, {zone.key})"


def _day_and_time(moment: datetime, locale: str) -> str:
    return f"{format_date(moment, 'medium', locale=locale)}, {format_time(moment, 'short', locale=locale)}"


def format_moment(moment: datetime | None, language: str | None = None) -> str:
    """A publication time as a date in the reader's locale."""
    if moment is None:
        return ""
    return format_date(moment, "medium", locale=_locale(language))


def month_title(year: int, month: int, language: str | None = None) -> str:
    """ "November 2026" in the reader's language (standalone month name)."""
    return format_date(datetime(year, month, 1), "LLLL y", locale=_locale(language))


def weekday_name(day: date) -> str:
    """The abbreviated weekday heading of the month grid."""
    return format_date(day, "EEE", locale=_locale())
