"""The vocabularies every domain shares: sectors of action, and country and language names.

Organisations, practices, events, search facets and the matchmaker all speak these codes; they
live here, below every domain, so that none of them has to import another for a name.
"""

from __future__ import annotations

from babel import Locale
from babel.core import UnknownLocaleError
from flask_babel import lazy_gettext as _l

from covenant_hub.i18n import current_language

# The sectors of a sustainable energy and climate action plan (SECAP), as the Covenant lists them.
SECTORS = (
    "municipal_buildings",
    "tertiary_buildings",
    "residential_buildings",
    "public_lighting",
    "industry",
    "transport",
    "local_electricity",
    "local_heat_cold",
    "waste",
    "water",
    "agriculture_forestry",
    "land_use_planning",
    "adaptation",
    "energy_poverty",
    "public_procurement",
    "awareness_raising",
    "other",
)

SECTOR_LABELS = {
    "municipal_buildings": _l("Municipal buildings"),
    "tertiary_buildings": _l("Tertiary buildings"),
    "residential_buildings": _l("Residential buildings"),
    "public_lighting": _l("Public lighting"),
    "industry": _l("Industry"),
    "transport": _l("Transport"),
    "local_electricity": _l("Local electricity production"),
    "local_heat_cold": _l("Local heating and cooling"),
    "waste": _l("Waste"),
    "water": _l("Water"),
    "agriculture_forestry": _l("Agriculture and forestry"),
    "land_use_planning": _l("Land use planning"),
    "adaptation": _l("Adaptation"),
    "energy_poverty": _l("Energy poverty"),
    "public_procurement": _l("Public procurement"),
    "awareness_raising": _l("Awareness raising"),
    "other": _l("Other"),
}
# Two-letter CLDR territories that are groupings, not countries.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


def is_country(code: str) -> bool:
    """Whether a CLDR territory code names a country (two letters, not a grouping)."""
    return len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES


def _locale() -> Locale:
    try:
        return Locale.parse(current_language())
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


# Where CLDR's name is not the one the country uses itself in that language: in Kyrgyzstan the
# official Russian name is "Кыргызстан", and CLDR's "Киргизия" reads as outdated there.
COUNTRY_NAME_OVERRIDES = {("ru", "KG"): "Кыргызстан"}


def country_name(code: str | None) -> str:
    """The country's name in the page's language (CLDR), or the code when unknown."""
    if not code:
        return ""
    locale = _locale()
    override = COUNTRY_NAME_OVERRIDES.get((locale.language, code.upper()))
    return override or locale.territories.get(code.upper(), code.upper())


def language_name(code: str) -> str:
    """The language's name in the page's language (CLDR), or the code when unknown."""
    return _locale().languages.get(code, code)


def label(labels: dict[str, object], code: str | None) -> str:
    """A code's translated label; unknown codes are shown as they are."""
    if code is None:
        return ""
    return str(labels.get(code, code))
