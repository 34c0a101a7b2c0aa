"""The agenda and the news: published items, and drafts written for an organisation."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from covenant_hub.api.schemas.common import Code, Instant, Model, Page, PageQuery
from covenant_hub.events.models import EVENT_KINDS
from covenant_hub.events.services import MAX_SUMMARY_CHARS, MAX_TEXT_CHARS

EventKind = Literal[EVENT_KINDS]  # type: ignore[valid-type]


class EventQuery(PageQuery):
    kind: EventKind | None = None
    language: Code | None = None
    country: Code | None = Field(None, description="The organiser's country")
    online: Literal["yes", "no"] | None = None
    when: Literal["upcoming", "past"] = "upcoming"


class EventOut(BaseModel):
    id: str
    kind: str
    title: str
    description: str
    language: str
    starts_at: Instant
    ends_at: Instant
    timezone: str
    place: str | None
    online: bool
    link: str | None
    organiser: str | None = Field(description="The organising organisation's id")
    state: str
    url: str


class EventPage(Page[EventOut]):
    pass


class EventIn(Model):
    """Times are wall-clock times in `timezone` (or carry their own offset)."""

    organiser: str | None = Field(None, max_length=120, description="Omitted only by staff (the site itself)")
    title: str = Field(min_length=1, max_length=300)
    kind: EventKind = "event"
    language: Code
    starts: datetime
    ends: datetime
    timezone: str = Field("UTC", max_length=64, description="An IANA zone such as Asia/Bishkek")
    place: str = Field("", max_length=300)
    online: bool = False
    link: str = Field("", max_length=500, description="http(s) address; needed for an online event")
    description: str = Field("", max_length=MAX_TEXT_CHARS)
    publish: bool = Field(True, description="Publish at once; false leaves a draft")


class NewsQuery(PageQuery):
    language: Code | None = None
    org: str | None = Field(None, max_length=120, description="The writing organisation's id")


class NewsOut(BaseModel):
    id: str
    title: str
    summary: str
    body: str
    language: str
    org: str | None
    state: str
    published_at: Instant | None
    url: str


class NewsPage(Page[NewsOut]):
    pass


class NewsIn(Model):
    org: str | None = Field(None, max_length=120, description="Omitted only by staff (the site itself)")
    title: str = Field(min_length=1, max_length=300)
    language: Code
    summary: str = Field("", max_length=MAX_SUMMARY_CHARS)
    body: str = Field("", max_length=MAX_TEXT_CHARS)
    publish: bool = Field(True, description="Publish at once; false leaves a draft")
