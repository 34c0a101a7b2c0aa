"""Translated labels for the codes organisations carry, in one place for pages and forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The orgs templates read the shared vocabulary through their `labels` too (labels.country_name).
from covenant_hub.vocabularies import SECTOR_LABELS, country_name, label, language_name

__all__ = ["SECTOR_LABELS", "country_name", "label", "language_name"]


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
