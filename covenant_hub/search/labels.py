"""Translated names for result types and facet values shown on the search page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from covenant_hub.i18n import LANGUAGE_NAMES
from covenant_hub.orgs.labels import KIND_LABELS
from covenant_hub.vocabularies import SECTOR_LABELS, country_name, label

TYPE_LABELS = {
    "practice": _l("Practice"), "thread": _l("Discussion"), "post": _l("Post"),
    "organisation": _l("Organisation"), "event": _l("Event"), "news": _l("News"),
}  # fmt: skip
FACET_TITLES = {
    "type": _l("Type"), "sector": _l("Sector"), "country": _l("Country"), "lang": _l("Language"),
    "kind": _l("Organisation kind"), "year": _l("Year"),
}  # fmt: skip


def type_label(value: str) -> str:
    return str(TYPE_LABELS.get(value, value))


def facet_title(name: str) -> str:
    return str(FACET_TITLES.get(name, name))


def facet_label(name: str, value: str) -> str:
    """A facet value for people: translated types, language, country and sector names."""
    if name == "type":
        return type_label(value)
    if name == "lang":
        return LANGUAGE_NAMES.get(value, value)
    if name == "country":
        return country_name(value)
    if name == "sector":
        return label(SECTOR_LABELS, value)
    if name == "kind":
        return label(KIND_LABELS, value)
    return value.replace("_", " ")
