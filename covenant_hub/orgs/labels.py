"""Translated labels for the codes organisations carry, in one place for pages and forms."""
from __future__ import annotations

from babel import Locale
from babel.core import UnknownLocaleError
from flask_babel import lazy_gettext as _l

from covenant_hub.i18n import current_language

KIND_LABELS = {
    "signatory": _l("Signatory"),
    "candidate": _l("Candidate"),
    "supporter": _l("Supporter"),
    "coordinator": _l("Coordinator"),
    "office": _l("Covenant office"),
}
STATUS_LABELS = {
    "active": _l("Active"),
    "on_hold": _l("On hold"),
    "suspended": _l("Suspended"),
    "applicant": _l("Applicant"),
}
COMMITMENT_LABELS = {
    "2020": _l("2020 target"),
    "2030": _l("2030 target"),
    "2050": _l("2050 climate neutrality"),
    "adaptation": _l("Adaptation"),
    "energy_poverty": _l("Energy poverty"),
}
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
LINK_LABELS = {
    "supported_by": _l("Supported by"),
    "coordinated_by": _l("Coordinated by"),
    "exchange": _l("Experience exchange"),
    "twinned_with": _l("Twinned with"),
}
POPULATION_BAND_LABELS = {
    "under_10k": _l("Under 10,000"),
    "10k_50k": _l("10,000 to 50,000"),
    "50k_250k": _l("50,000 to 250,000"),
    "250k_1m": _l("250,000 to 1 million"),
    "over_1m": _l("Over 1 million"),
}
SORT_LABELS = {
    "name": _l("Name"),
    "population": _l("Population (largest first)"),
    "joined": _l("Joined (newest first)"),
    "country": _l("Country"),
}


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
