"""Reading the agenda and the news: filtered lists, the month grid, home-page sections.

Only published rows reach the public; every function here is read-only.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from covenant_hub.clock import utcnow
from covenant_hub.events.models import EVENT_KINDS, Event, NewsItem
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation, OrgLink

LIST_LIMIT = 200


@dataclass(frozen=True)
class EventFilters:
    """The agenda's filters, read from the query string; unknown values are ignored."""

    kind: str = ""
    language: str = ""
    country: str = ""
    online: str = ""  # "", "yes" or "no"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> EventFilters:
        kind = args.get("kind", "")
        online = args.get("online", "")
        language = args.get("language", "")
        country = args.get("country", "").lower()
        return cls(
            kind=kind if kind in EVENT_KINDS else "",
            language=language if len(language) == 2 and language.isalpha() else "",
            country=country if len(country) == 2 and country.isalpha() else "",
            online=online if online in ("yes", "no") else "",
        )

    def as_args(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value}


def published_events() -> Select:
    return select(Event).options(joinedload(Event.organiser)).where(Event.state == "published")


def _filtered(query: Select, filters: EventFilters) -> Select:
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.language:
        query = query.where(Event.language == filters.language)
    if filters.online:
        query = query.where(Event.online.is_(filters.online == "yes"))
    if filters.country:
        query = query.join(Organisation, Event.organiser_id == Organisation.id).where(
            Organisation.country == filters.country
        )
    return query


def agenda_query(filters: EventFilters, upcoming: bool = True, now: datetime | None = None) -> Select:
    """Published events, filtered: not yet over soonest first, or over, latest first (pages, API)."""
    query = _filtered(published_events(), filters)
    moment = now or utcnow()
    if upcoming:
        return query.where(Event.ends_at >= moment).order_by(Event.starts_at, Event.id)
    return query.where(Event.ends_at < moment).order_by(Event.starts_at.desc(), Event.id.desc())


def upcoming_events(
    filters: EventFilters | None = None, limit: int = LIST_LIMIT, now: datetime | None = None
) -> list[Event]:
    """Events not yet over, soonest first (an event under way is still "upcoming")."""
    query = _filtered(published_events(), filters or EventFilters())
    query = query.where(Event.ends_at >= (now or utcnow())).order_by(Event.starts_at).limit(limit)
    return list(db.session.scalars(query).unique())


def past_events(
    filters: EventFilters | None = None, limit: int = LIST_LIMIT, now: datetime | None = None
) -> list[Event]:
    query = _filtered(published_events(), filters or EventFilters())
    query = query.where(Event.ends_at < (now or utcnow())).order_by(Event.starts_at.desc()).limit(limit)
    return list(db.session.scalars(query).unique())


def organiser_countries() -> list[str]:
    """Countries of organisers of published events: the choices of the country filter."""
    query = (
        select(Organisation.country)
        .join(Event, Event.organiser_id == Organisation.id)
        .where(Event.state == "published", Organisation.country.is_not(None))
        .distinct()
    )
    return sorted(db.session.scalars(query))


@dataclass
class MonthGrid:
    """A calendar month as weeks of days (Monday first), each day with its events."""

    year: int
    month: int
    weeks: list[list[date]]
    events_by_day: dict[date, list[Event]] = field(default_factory=dict)

    @property
    def previous(self) -> tuple[int, int]:
        return (self.year - 1, 12) if self.month == 1 else (self.year, self.month - 1)

    @property
    def next(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)


def month_grid(year: int, month: int, filters: EventFilters | None = None) -> MonthGrid:
    """The month view: every event on each local day it covers (days in the event's own zone)."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    # A day's margin each side: an event's local day may differ from its UTC day.
    window_start = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=1)
    window_end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=2)
    query = (
        _filtered(published_events(), filters or EventFilters())
        .where(Event.starts_at < window_end, Event.ends_at >= window_start)
        .order_by(Event.starts_at)
    )
    by_day: dict[date, list[Event]] = defaultdict(list)
    for event in db.session.scalars(query).unique():
        day, end_day = event.starts_local.date(), event.ends_local.date()
        while day <= end_day and day <= last:
            if day >= first:
                by_day[day].append(event)
            day += timedelta(days=1)
    return MonthGrid(year, month, weeks, dict(by_day))


def events_in_countries(
    countries: list[str] | set[str], limit: int = 20, now: datetime | None = None
) -> list[Event]:
    """Upcoming published events organised in these countries (for supporters' dashboards).

    An event counts for a country when its organiser is based there; online events of
    organisers elsewhere are not included.
    """
    codes = sorted({code.lower() for code in countries if code})
    if not codes:
        return []
    query = (
        published_events()
        .join(Organisation, Event.organiser_id == Organisation.id)
        .where(Organisation.country.in_(codes), Event.ends_at >= (now or utcnow()))
        .order_by(Event.starts_at)
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def events_for_supporter(org: Organisation, limit: int = 10) -> list[Event]:
    """Upcoming events in the countries a supporter works in: its own and its members'."""
    member_countries = db.session.scalars(
        select(Organisation.country)
        .distinct()
        .join(OrgLink, OrgLink.source_id == Organisation.id)
        .where(OrgLink.target_id == org.id, OrgLink.kind == "supported_by")
    )
    countries = {code for code in member_countries if code} | ({org.country} if org.country else set())
    return events_in_countries(countries, limit=limit)


def events_by_organiser(org_id: int, limit: int = 5) -> list[Event]:
    """An organisation's next published events (for its profile page)."""
    query = (
        published_events()
        .where(Event.organiser_id == org_id, Event.ends_at >= utcnow())
        .order_by(Event.starts_at)
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def published_news(
    limit: int = 50, offset: int = 0, language: str = "", org_id: int | None = None
) -> list[NewsItem]:
    query = select(NewsItem).options(joinedload(NewsItem.organisation)).where(NewsItem.state == "published")
    if language:
        query = query.where(NewsItem.language == language)
    if org_id is not None:
        query = query.where(NewsItem.org_id == org_id)
    query = query.order_by(NewsItem.published_at.desc(), NewsItem.id.desc()).offset(offset).limit(limit)
    return list(db.session.scalars(query).unique())


def drafts_for(org_ids: set[int] | None) -> tuple[list[NewsItem], list[Event]]:
    """Unpublished items the user may edit: all for staff (None), else their organisations'."""
    news = select(NewsItem).options(joinedload(NewsItem.organisation)).where(NewsItem.state == "draft")
    events = select(Event).options(joinedload(Event.organiser)).where(Event.state == "draft")
    if org_ids is not None:
        news = news.where(NewsItem.org_id.in_(org_ids))
        events = events.where(Event.organiser_id.in_(org_ids))
    return (
        list(db.session.scalars(news.order_by(NewsItem.updated_at.desc()).limit(50))),
        list(db.session.scalars(events.order_by(Event.starts_at).limit(50))),
    )


def home_sections(news_count: int = 3, event_count: int = 4) -> dict[str, list]:
    """What the home page shows: the latest news and the next events."""
    return {
        "latest_news": published_news(limit=news_count),
        "next_events": upcoming_events(limit=event_count),
    }
