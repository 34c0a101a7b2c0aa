"""Translated names of the codes the library shows (sector and kind names come from orgs)."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

from covenant_hub.orgs.labels import KIND_LABELS
from covenant_hub.vocabularies import SECTOR_LABELS, SECTORS, label

__all__ = ["KIND_LABELS", "SECTOR_LABELS", "STATE_LABELS", "RESULT_LABELS", "LANGUAGE_CHOICES"]

STATE_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted for review"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}
RESULT_LABELS = {
    "co2_t_per_year": _l("CO2 saved (t/year)"),
    "energy_mwh_per_year": _l("Energy saved (MWh/year)"),
    "renewable_mwh_per_year": _l("Renewable energy produced (MWh/year)"),
    "cost_eur": _l("Cost (EUR)"),
    "jobs": _l("Jobs created"),
}
# Languages a practice may be written in: the UI languages first, then common neighbours.
LANGUAGE_CHOICES = [
    ("ky", "Кыргызча"),
    ("ru", "Русский"),
    ("en", "English"),
    ("kk", "Қазақша"),
    ("uz", "Oʻzbekcha"),
    ("tg", "Тоҷикӣ"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pl", "Polski"),
    ("uk", "Українська"),
]


def format_figure(value: float | None) -> str:
    """A result figure in the reader's locale: whole numbers above 100, two decimals below."""
    if value is None:
        return ""
    if abs(value) >= 100 or float(value).is_integer():
        return format_decimal(round(value), "#,##0")
    return format_decimal(value, "#,##0.##")


def format_day(day: date | None) -> str:
    """A publication date in the reader's locale."""
    return format_date(day, "medium") if day else ""


def sector_choices() -> list[tuple[str, str]]:
    return [(code, str(SECTOR_LABELS[code])) for code in SECTORS]


def sector_label(code: str) -> str:
    return label(SECTOR_LABELS, code)


def language_label(code: str) -> str:
    return dict(LANGUAGE_CHOICES).get(code, code)
