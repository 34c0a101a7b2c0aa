"""iCalendar (RFC 5545) for one event or the whole agenda, via the `icalendar` package.

Times are written in the event's own zone with a VTIMEZONE for each zone used, so a
calendar shows 10:00 Bishkek time whatever zone the reader's device is in. UIDs are stable
(external id @ host), so re-importing the agenda updates entries instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from covenant_hub.clock import utcnow
from covenant_hub.events.models import Event, as_utc

PRODUCT_ID = "-//Covenant Hub//Agenda//EN"
UID_DOMAIN = "covenant-hub"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _component(event: Event, link: str, stamp: datetime) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"{event.external_id}@{UID_DOMAIN}")
    entry.add("dtstamp", stamp)
    entry.add("dtstart", event.starts_local)
    entry.add("dtend", event.ends_local)
    entry.add("summary", event.title)
    entry.add("description", event.description or "")
    entry.add("url", link)
    entry.add("categories", [event.kind])
    if event.place:
        entry.add("location", event.place)
    elif event.online and event.url:
        entry.add("location", event.url)
    if event.organiser is not None:
        entry.add("organizer", f"mailto:no-reply@{UID_DOMAIN}.local", parameters={"CN": event.organiser.name})
    updated = as_utc(event.updated_at)
    if updated is not None:
        entry.add("last-modified", updated)
    return entry


def build_calendar(events: Iterable[Event], links: dict[int, str], name: str) -> bytes:
    """One VCALENDAR holding every event, with the VTIMEZONE of each zone they use.

    `links` maps event ids to the absolute URL of their page.
    """
    calendar = _calendar(name)
    events = list(events)
    # The newest change, not the clock: the same events give the same bytes, so the ETag holds
    # and a calendar app asking again gets 304 (conditional.py).
    changes = [as_utc(event.updated_at) for event in events if event.updated_at is not None]
    stamp = (max(changes) if changes else utcnow()).replace(microsecond=0)
    for event in events:
        calendar.add_component(_component(event, links.get(event.id, ""), stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()
