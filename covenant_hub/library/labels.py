"""Translated names of the codes the library shows: sectors, states, result figures."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from covenant_hub.orgs.models import SECTORS

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
    "land_use_planning": _l("Land-use planning"),
    "adaptation": _l("Adaptation"),
    "energy_poverty": _l("Energy poverty"),
    "public_procurement": _l("Public procurement"),
    "awareness_raising": _l("Awareness raising"),
    "other": _l("Other"),
}
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
KIND_LABELS = {
    "signatory": _l("Signatory"),
    "candidate": _l("Candidate"),
    "supporter": _l("Supporter"),
    "coordinator": _l("Coordinator"),
    "office": _l("Office"),
}
# Languages a practice may be written in: the UI languages first, then common neighbours.
LANGUAGE_CHOICES = [
    ("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English"), ("kk", "Қазақша"),
    ("uz", "Oʻzbekcha"), ("tg", "Тоҷикӣ"), ("de", "Deutsch"), ("fr", "Français"),
    ("es", "Español"), ("it", "Italiano"), ("pl", "Polski"), ("uk", "Українська"),
]


def sector_choices() -> list[tuple[str, str]]:
    return [(code, str(SECTOR_LABELS[code])) for code in SECTORS]


def sector_label(code: str) -> str:
    return str(SECTOR_LABELS.get(code, code))


def language_label(code: str) -> str:
    return dict(LANGUAGE_CHOICES).get(code, code)
