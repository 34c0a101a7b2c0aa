"""Translated labels for the programme's codes: commitments, activity kinds, services, states."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from covenant_hub.vocabularies import label as label  # templates call plabels.label

COMMITMENT_LABELS = {
    "promote": _l("Promote the Covenant and support joining members"),
    "recognise": _l("Recognise the Covenant publicly as a main part of its policy"),
    "exchange": _l("Facilitate experience exchange between signatories and candidate cities"),
    "intermediary": _l(
        "Act as intermediary between its members, the Covenant of Mayors Office "
        "and the national or regional press"
    ),
    "synergies": _l("Identify synergies with national or regional events and initiatives"),
    "feedback": _l("Give official feedback on its members' actions and services"),
}
COMMITMENT_SHORT_LABELS = {
    "promote": _l("Promotion"),
    "recognise": _l("Recognition"),
    "exchange": _l("Exchange"),
    "intermediary": _l("Intermediary"),
    "synergies": _l("Synergies"),
    "feedback": _l("Feedback"),
}
ACTIVITY_KIND_LABELS = {
    "promotion": _l("Promotion action"),
    "event": _l("Event"),
    "exchange": _l("Exchange facilitated"),
    "feedback": _l("Feedback given"),
    "press": _l("Press work"),
}
SERVICE_TYPE_LABELS = {
    "technical_assistance": _l("Technical assistance"),
    "training": _l("Training"),
    "funding_advice": _l("Funding advice"),
    "translation": _l("Translation"),
    "peer_exchange": _l("Peer exchange"),
    "events": _l("Events"),
}
NETWORK_KIND_LABELS = {
    "national_association": _l("National association of local authorities"),
    "regional_network": _l("Regional network"),
    "energy_agency": _l("Energy agency"),
    "ngo": _l("Non-governmental organisation"),
    "other": _l("Other"),
}
STATE_LABELS = {
    "submitted": _l("Waiting for review"),
    "info_requested": _l("More information requested"),
    "accepted": _l("Eligible: agreement to complete"),
    "rejected": _l("Not eligible"),
    "agreement_completed": _l("Agreement completed: waiting for signature"),
    "live": _l("Live supporter"),
}
AUDIT_LABELS = {
    "application_submitted": _l("Expression of interest filed"),
    "application_accepted": _l("Found eligible"),
    "application_rejected": _l("Found not eligible"),
    "information_requested": _l("More information requested"),
    "information_given": _l("Information given"),
    "agreement_completed": _l("Agreement form completed"),
    "agreement_recorded": _l("Signed agreement recorded"),
    "supporter_live": _l("Supporter went live"),
    "service_added": _l("Service added"),
    "service_removed": _l("Service removed"),
    "activity_logged": _l("Activity logged"),
    "supporter_suspended": _l("Supporter suspended"),
    "supporter_reinstated": _l("Supporter reinstated"),
    "feedback_given": _l("Official feedback given"),
    "feedback_consent_changed": _l("Feedback visibility changed"),
}
RATING_LABELS = {
    1: _l("1 – poor"),
    2: _l("2 – fair"),
    3: _l("3 – good"),
    4: _l("4 – very good"),
    5: _l("5 – excellent"),
}


def choices(labels: dict) -> list[tuple[str, str]]:
    return [(code, str(text)) for code, text in labels.items()]


AUDIT_DETAIL_LABELS = {
    "network": _l("Network"), "notes": _l("Notes"), "reason": _l("Reason"), "question": _l("Question"),
    "answer": _l("Answer"), "type": _l("Service"), "date": _l("Date"), "member": _l("Member"),
    "rating": _l("Rating"), "public": _l("Public"), "sample": _l("sample content"),
    "signed_on": _l("Agreement signed"),
}  # fmt: skip


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def audit_detail(key: str, value: object) -> str:
    """One audit detail for people: "Service: Training", not "type: training"."""
    if isinstance(value, bool):
        shown = str(_l("Yes") if value else _l("No"))
    elif key == "type":
        shown = label(SERVICE_TYPE_LABELS, value)
    elif key == "rating":
        shown = label(RATING_LABELS, value)
    elif key in ("date", "signed_on") and isinstance(value, str) and _iso_date(value):
        shown = format_date(_iso_date(value), "medium")
    else:
        shown = str(value)
    return f"{label(AUDIT_DETAIL_LABELS, key)}: {shown}"
