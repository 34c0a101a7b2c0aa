"""Writing the agenda and the news: create, edit, publish, unpublish.

Each function takes the acting user, checks the permission and the input, changes the rows
and commits. A refusal raises `EventsError` (or `NotAllowed`) with a translated message and
leaves the database untouched, so views only flash or answer 403.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from covenant_hub import errors
from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.errors import DomainError
from covenant_hub.events import permissions
from covenant_hub.events.models import EVENT_KINDS, Event, NewsItem
from covenant_hub.extensions import db
from covenant_hub.interchange.fields import is_http_url

LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
MAX_TEXT_CHARS = 100_000
MAX_SUMMARY_CHARS = 2000


class EventsError(DomainError):
    """A refused change; `str(error)` is a message for the person who tried it."""


class NotAllowed(EventsError, errors.NotAllowed):
    """The person may not do this at all (views answer 403)."""


@dataclass
class EventInput:
    """What the form or an import hands over; `starts`/`ends` are wall-clock times in `timezone`."""

    title: str
    kind: str
    language: str
    starts: datetime
    ends: datetime
    timezone: str
    organiser_id: int | None = None
    place: str = ""
    online: bool = False
    url: str = ""
    description: str = ""


@dataclass
class NewsInput:
    title: str
    language: str
    summary: str = ""
    body: str = ""
    org_id: int | None = None


def to_utc(wall_clock: datetime, timezone: str) -> datetime:
    """A naive wall-clock time in `timezone` (or an aware one) as an aware UTC time."""
    if wall_clock.tzinfo is None:
        wall_clock = wall_clock.replace(tzinfo=ZoneInfo(timezone))
    return wall_clock.astimezone(UTC)


def _check_common(title: str, language: str, text: str) -> None:
    if not title.strip():
        raise EventsError(_("Please give a title."))
    if len(title) > 300:
        raise EventsError(_("The title is too long (at most 300 characters)."))
    if not LANGUAGE_CODE.match(language or ""):
        raise EventsError(_("Choose the language the text is written in."))
    if len(text) > MAX_TEXT_CHARS:
        raise EventsError(_("The text is too long."))


def _check_zone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise EventsError(_("Unknown time zone: %(zone)s", zone=timezone)) from error


def check_event(data: EventInput) -> None:
    """Every rule an event must meet, whatever the source (form, import, API)."""
    _check_common(data.title, data.language, data.description)
    if data.kind not in EVENT_KINDS:
        raise EventsError(_("Choose what kind of event this is."))
    _check_zone(data.timezone)
    if to_utc(data.ends, data.timezone) <= to_utc(data.starts, data.timezone):
        raise EventsError(_("The event must end after it starts."))
    if data.url and not is_http_url(data.url):
        raise EventsError(_("The link must start with http:// or https://."))
    if data.online and not data.url:
        raise EventsError(_("An online event needs the link to join it."))
    if not data.online and not data.place.strip():
        raise EventsError(_("Give the place of the event, or mark it as online with a link."))


def _fill_event(event: Event, data: EventInput) -> None:
    event.title = data.title.strip()
    event.kind = data.kind
    event.language = data.language
    event.timezone = data.timezone
    event.starts_at = to_utc(data.starts, data.timezone)
    event.ends_at = to_utc(data.ends, data.timezone)
    event.organiser_id = data.organiser_id
    event.place = data.place.strip() or None
    event.online = data.online
    event.url = data.url.strip() or None
    event.description = data.description


def create_event(user: Actor, data: EventInput) -> Event:
    """A draft on the agenda, organised by an organisation the user may write for."""
    if not permissions.can_write_for(user, data.organiser_id):
        raise NotAllowed(_("You may not add events for this organisation."))
    check_event(data)
    event = Event(external_id=f"event-{uuid.uuid4().hex[:12]}", state="draft", author_id=user.id)
    _fill_event(event, data)
    db.session.add(event)
    db.session.commit()
    return event


def update_event(user: Actor, event: Event, data: EventInput) -> Event:
    if not permissions.can_edit_event(user, event) or not permissions.can_write_for(user, data.organiser_id):
        raise NotAllowed(_("You may not edit this event."))
    check_event(data)
    _fill_event(event, data)
    db.session.commit()
    return event


def _change_state(row: Event | NewsItem, state: str, unchanged: str) -> None:
    """Publishing stamps the publication time once; withdrawing keeps it for the record."""
    if row.state == state:
        raise EventsError(unchanged)
    row.state = state
    if state == "published" and row.published_at is None:
        row.published_at = utcnow()
    db.session.commit()


def set_event_state(user: Actor, event: Event, state: str) -> Event:
    """Publish (state "published") or withdraw to draft."""
    if not permissions.can_publish_event(user, event):
        raise NotAllowed(_("You may not publish this event."))
    _change_state(event, state, _("Nothing to change: the event is already in that state."))
    return event


def check_news(data: NewsInput) -> None:
    _check_common(data.title, data.language, data.body)
    if len(data.summary) > MAX_SUMMARY_CHARS:
        raise EventsError(_("The summary is too long (at most 2000 characters)."))


def _fill_news(item: NewsItem, data: NewsInput) -> None:
    item.title = data.title.strip()
    item.language = data.language
    item.summary = data.summary.strip()
    item.body = data.body
    item.org_id = data.org_id


def create_news(user: Actor, data: NewsInput) -> NewsItem:
    """A draft news item, for the site (staff) or for a supporter the user administers."""
    if not permissions.can_write_for(user, data.org_id):
        raise NotAllowed(_("You may not write news for this organisation."))
    check_news(data)
    item = NewsItem(external_id=f"news-{uuid.uuid4().hex[:12]}", state="draft", author_id=user.id)
    _fill_news(item, data)
    db.session.add(item)
    db.session.commit()
    return item


def update_news(user: Actor, item: NewsItem, data: NewsInput) -> NewsItem:
    if not permissions.can_edit_news(user, item) or not permissions.can_write_for(user, data.org_id):
        raise NotAllowed(_("You may not edit this news item."))
    check_news(data)
    _fill_news(item, data)
    db.session.commit()
    return item


def set_news_state(user: Actor, item: NewsItem, state: str) -> NewsItem:
    """Publish (state "published") or withdraw to draft."""
    if not permissions.can_publish_news(user, item):
        raise NotAllowed(_("You may not publish this news item."))
    _change_state(item, state, _("Nothing to change: the news item is already in that state."))
    return item
