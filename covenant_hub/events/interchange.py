"""events.jsonl and news.jsonl in the interchange format, as handlers of the orgs registry.

Imported events and news are published (the format carries no workflow state); a second
import of the same file updates them by id. Two optional fields extend the format's event
record: `kind` (`event`, `masterclass`, `webinar`; default `event`) and `timezone` (an IANA
zone the event is shown in). Without `timezone`, the event's zone is the fixed offset its
`starts` is written with (`+06:00` is Etc/GMT-6, `Z` is UTC): an offset that is not whole hours
has no IANA zone and needs `timezone`. Export writes published rows only, every time in UTC
with the zone in `timezone`, so export then import gives back the same records.

The demo loader imports the sample files with `mark_sample`; their dates were written around
DEMO_ANCHOR and are moved by whole weeks (weekdays kept), so the demo has the same mix of
upcoming and past events whenever it is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from covenant_hub.clock import utcnow
from covenant_hub.events.models import EVENT_KINDS, Event, NewsItem
from covenant_hub.extensions import db
from covenant_hub.interchange import fields as f
from covenant_hub.interchange.registry import FileHandler, ImportContext, ParsedLine
from covenant_hub.orgs import bulk
from covenant_hub.orgs.interchange.references import org_known

DEMO_ANCHOR = date(2026, 11, 27)  # the day the sample events and news were written for


def demo_shift(options: Any) -> timedelta:
    """How far to move sample dates: whole weeks from the anchor to today; none for real data."""
    if not getattr(options, "mark_sample", False):
        return timedelta(0)
    return timedelta(weeks=round((utcnow().date() - DEMO_ANCHOR).days / 7))


def zone(value: Any) -> str:
    """An IANA time zone name such as Asia/Bishkek."""
    name = f.string(64)(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise f.FieldError(f"unknown time zone {name!r}") from error
    return name


def offset_zone(moment: datetime) -> str | None:
    """The IANA zone of `moment`'s fixed UTC offset: UTC, or Etc/GMT-6 for +06:00 (the Etc
    names count the POSIX way, west positive); None when no IANA zone has that offset."""
    offset = moment.utcoffset()
    assert offset is not None, "an interchange time always has a zone"
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest or not -12 <= hours <= 14:
        return None
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


class _OrgReferences(FileHandler):
    """Shared check: the organisation a record points at exists in the file set or the DB."""

    org_field: ClassVar[str] = "org"

    def check(self, values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
        reference = values.get(self.org_field)
        if reference is not None and not org_known(context, reference):
            yield self.org_field, f"unknown organisation {reference!r}"

    def _existing(self, model: Any, lines: list[ParsedLine]) -> dict[str, Any]:
        db.session.flush()  # organisations of this import get their primary keys
        ids = [line.values["id"] for line in lines]
        return {
            row.external_id: row
            for row in db.session.scalars(select(model).where(model.external_id.in_(ids)))
        }


class EventsFile(_OrgReferences):
    filename = "events.jsonl"
    order = 60
    org_field = "organiser"
    fields: ClassVar[dict[str, f.Field]] = {
        "id": f.Field(f.string(120), required=True),
        "title": f.Field(f.string(300), required=True),
        "starts": f.Field(f.local_time, required=True),
        "ends": f.Field(f.local_time, required=True),
        "place": f.Field(f.string(300)),
        "online": f.Field(f.boolean),
        "organiser": f.Field(f.string(120)),
        "description": f.Field(f.text),
        "language": f.Field(f.language, required=True),
        "url": f.Field(f.url),
        "kind": f.Field(f.choice(EVENT_KINDS)),
        "timezone": f.Field(zone),
    }

    def check(self, values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
        yield from super().check(values, context)
        if values["ends"] <= values["starts"]:
            yield "ends", "must be after starts"
        if "timezone" not in values:
            yield from _zone_problems(values["starts"], values["ends"])

    def apply(self, lines: list[ParsedLine], context: ImportContext) -> tuple[int, int]:
        existing = self._existing(Event, lines)
        org_ids = bulk.org_ids_by_external_id()
        shift = demo_shift(context.options)
        created = updated = 0
        for line in lines:
            values = line.values
            event = existing.get(values["id"])
            if event is None:
                event = Event(external_id=values["id"], published_at=utcnow())
                db.session.add(event)
                created += 1
            else:
                updated += 1
            _fill_event(event, values, org_ids.get(values.get("organiser", "")), shift)
            event.is_sample = event.is_sample or context.options.mark_sample
        return created, updated

    def export(self) -> Iterable[dict[str, Any]]:
        query = (
            select(Event)
            .options(joinedload(Event.organiser))
            .where(Event.state == "published")
            .order_by(Event.external_id)
        )
        for event in db.session.scalars(query):
            yield event_record(event)


def _zone_problems(starts: datetime, ends: datetime) -> Iterator[tuple[str, str]]:
    """Without `timezone` the offsets say the event's zone: they must name one, and agree."""
    if offset_zone(starts) is None:
        yield (
            "timezone",
            (
                f"required when the offset of starts has no IANA zone (not whole hours) "
                f"({starts.isoformat()}): give the IANA zone, e.g. Asia/Kolkata"
            ),
        )
    elif starts.utcoffset() != ends.utcoffset():
        yield "timezone", "required when starts and ends have different offsets: give the IANA zone"


def _fill_event(event: Event, values: dict[str, Any], organiser_id: int | None, shift: timedelta) -> None:
    event.title = values["title"]
    event.starts_at = values["starts"].astimezone(UTC) + shift
    event.ends_at = values["ends"].astimezone(UTC) + shift
    event.timezone = values.get("timezone") or offset_zone(values["starts"]) or "UTC"
    event.kind = values.get("kind", "event")
    event.place = values.get("place")
    event.online = values.get("online", False)
    event.organiser_id = organiser_id
    event.description = values.get("description", "")
    event.language = values["language"]
    event.url = values.get("url")
    event.state = "published"


def event_record(event: Event) -> dict[str, Any]:
    """One line of events.jsonl; empty optional fields are left out."""
    record: dict[str, Any] = {
        "id": event.external_id,
        "title": event.title,
        "starts": f.time_text(event.starts_at),
        "ends": f.time_text(event.ends_at),
        "place": event.place,
        "online": event.online,
        "organiser": event.organiser.external_id if event.organiser is not None else None,
        "description": event.description or None,
        "language": event.language,
        "url": event.url,
        "kind": event.kind,
        "timezone": event.timezone,
    }
    return {key: value for key, value in record.items() if value is not None}


class NewsFile(_OrgReferences):
    filename = "news.jsonl"
    order = 61
    fields: ClassVar[dict[str, f.Field]] = {
        "id": f.Field(f.string(120), required=True),
        "title": f.Field(f.string(300), required=True),
        "published": f.Field(f.a_time, required=True),
        "language": f.Field(f.language, required=True),
        "summary": f.Field(f.text),
        "body": f.Field(f.text),
        "org": f.Field(f.string(120)),
    }

    def apply(self, lines: list[ParsedLine], context: ImportContext) -> tuple[int, int]:
        existing = self._existing(NewsItem, lines)
        org_ids = bulk.org_ids_by_external_id()
        shift, now = demo_shift(context.options), utcnow()
        created = updated = 0
        for line in lines:
            values = line.values
            item = existing.get(values["id"])
            if item is None:
                item = NewsItem(external_id=values["id"])
                db.session.add(item)
                created += 1
            else:
                updated += 1
            item.title = values["title"]
            item.published_at = min(values["published"] + shift, now)
            item.language = values["language"]
            item.summary = values.get("summary", "")
            item.body = values.get("body", "")
            item.org_id = org_ids.get(values.get("org", ""))
            item.state = "published"
            item.is_sample = item.is_sample or context.options.mark_sample
        return created, updated

    def export(self) -> Iterable[dict[str, Any]]:
        query = (
            select(NewsItem)
            .options(joinedload(NewsItem.organisation))
            .where(NewsItem.state == "published")
            .order_by(NewsItem.external_id)
        )
        for item in db.session.scalars(query):
            record = {
                "id": item.external_id,
                "title": item.title,
                "published": _published(item),
                "language": item.language,
                "summary": item.summary or None,
                "body": item.body or None,
                "org": item.organisation.external_id if item.organisation is not None else None,
            }
            yield {key: value for key, value in record.items() if value is not None}


def _published(item: NewsItem) -> str | None:
    return f.time_text(item.published_at) if item.published_at is not None else None
