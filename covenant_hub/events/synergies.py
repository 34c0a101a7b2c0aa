""" "Synergies" on an event page: practices, groups and supporters worth a look.

Deliberately cheap (a few indexed queries, no model): words of the title matched by prefix
(so Kyrgyz and Russian endings do not hide a match), the organiser's sectors, and the
organiser's country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from covenant_hub.events.models import Event
from covenant_hub.extensions import db
from covenant_hub.forum.models import Group
from covenant_hub.library.models import Practice
from covenant_hub.orgs.models import Organisation

WORD_RE = re.compile(r"\w+", re.UNICODE)
PREFIX_CHARS = 6
MAX_WORDS = 6
SHOWN = 5


@dataclass
class Synergies:
    practices: list[Practice] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    supporters: list[Organisation] = field(default_factory=list)


def keywords(text: str) -> list[str]:
    """Distinct word prefixes of the longer words, longest words first."""
    words = sorted(
        {w.lower() for w in WORD_RE.findall(text) if len(w) >= 5 and not w.isdigit()},
        key=lambda w: (-len(w), w),
    )
    prefixes: list[str] = []
    for word in words:
        prefix = word[:PREFIX_CHARS]
        if prefix not in prefixes:
            prefixes.append(prefix)
    return prefixes[:MAX_WORDS]


def _score(practice: Practice, words: list[str], sectors: set[str], language: str) -> int:
    """Shared title words weigh most, then shared sectors, then being readable in the same language."""
    title = practice.title.lower()
    shared_words = sum(2 for word in words if word in title)
    return shared_words + len(sectors & set(practice.sectors or [])) + (practice.language == language)


def related_practices(event: Event) -> list[Practice]:
    """Published practices sharing title words, else practices from the organiser's country."""
    words = keywords(event.title)
    sectors = set(event.organiser.sectors or []) if event.organiser is not None else set()
    candidates: list[Practice] = []
    if words:
        query = (
            select(Practice)
            .where(Practice.state == "published", or_(*[Practice.title.ilike(f"%{w}%") for w in words]))
            .order_by(Practice.published.desc().nulls_last())
            .limit(40)
        )
        candidates = list(db.session.scalars(query))
    if len(candidates) < SHOWN and event.organiser is not None and event.organiser.country:
        query = (
            select(Practice)
            .join(Organisation, Practice.org_id == Organisation.id)
            .where(Practice.state == "published", Organisation.country == event.organiser.country)
            .order_by(Practice.published.desc().nulls_last())
            .limit(20)
        )
        seen = {p.id for p in candidates}
        candidates += [p for p in db.session.scalars(query) if p.id not in seen]
    candidates.sort(key=lambda p: -_score(p, words, sectors, event.language))
    return candidates[:SHOWN]


def related_groups(event: Event) -> list[Group]:
    """Public groups whose title shares a word with the event."""
    words = keywords(event.title)
    if not words:
        return []
    query = (
        select(Group)
        .where(Group.visibility == "public", or_(*[Group.title.ilike(f"%{w}%") for w in words]))
        .limit(SHOWN)
    )
    return list(db.session.scalars(query))


def supporters_nearby(event: Event) -> list[Organisation]:
    """Active supporters in the organiser's country, the organiser itself left out."""
    organiser = event.organiser
    if organiser is None or not organiser.country:
        return []
    query = (
        select(Organisation)
        .where(
            Organisation.kind == "supporter",
            Organisation.country == organiser.country,
            Organisation.id != organiser.id,
            or_(Organisation.status.is_(None), Organisation.status != "suspended"),
        )
        .order_by(Organisation.name)
        .limit(SHOWN)
    )
    return list(db.session.scalars(query))


def synergies_for(event: Event) -> Synergies:
    return Synergies(related_practices(event), related_groups(event), supporters_nearby(event))
