"""/api/v1/events and /api/v1/news: the published agenda and news, and writing them.

A write runs the events services (`create_event`, `set_event_state`, `create_news`,
`set_news_state`), which check `can_write_for` and `can_publish_*` as the pages do: staff
for the site, a supporter's administrators for that supporter.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from covenant_hub.api import paging
from covenant_hub.api.blueprint import bp
from covenant_hub.api.envelope import call_service, denied, fail
from covenant_hub.api.schemas.events import (
    EventIn,
    EventOut,
    EventPage,
    EventQuery,
    NewsIn,
    NewsOut,
    NewsPage,
    NewsQuery,
)  # fmt: skip
from covenant_hub.api.spec import api_spec, responses
from covenant_hub.events import queries, services
from covenant_hub.events.models import Event, NewsItem
from covenant_hub.orgs import services as orgs
from covenant_hub.orgs.models import Organisation
from covenant_hub.urls import public_url


def _event(event: Event) -> EventOut:
    return EventOut(
        id=event.external_id, kind=event.kind, title=event.title, description=event.description or "",
        language=event.language, starts_at=event.starts_at, ends_at=event.ends_at,
        timezone=event.timezone, place=event.place, online=event.online, link=event.url,
        organiser=event.organiser.external_id if event.organiser else None, state=event.state,
        url=public_url("events.show_event", event_id=event.id),
    )  # fmt: skip


def _news(item: NewsItem) -> NewsOut:
    return NewsOut(
        id=item.external_id, title=item.title, summary=item.summary or "", body=item.body or "",
        language=item.language, org=item.organisation.external_id if item.organisation else None,
        state=item.state, published_at=item.published_at,
        url=public_url("events.show_news", news_id=item.id),
    )  # fmt: skip


def _org_id(external_id: str | None, field: str) -> int | None:
    """The organisation a write is for (None: the site itself); an unknown id is a 400."""
    if not external_id:
        return None
    org = orgs.get_org(external_id)
    if org is None:
        message = _("No organisation with the id %(id)s.", id=external_id)
        fail(400, message, {field: message})
    return org.id


@bp.route("/events")
@api_spec.validate(resp=responses(HTTP_200=EventPage), tags=["events"])
def list_events_api(query: EventQuery) -> Any:
    """Published events: upcoming (soonest first) or past (latest first), filtered as the agenda."""
    filters = queries.EventFilters(kind=query.kind or "", language=query.language or "",
                                   country=query.country or "", online=query.online or "")  # fmt: skip
    statement = queries.agenda_query(filters, upcoming=query.when == "upcoming")
    return EventPage(**paging.page_of(paging.paginate(statement, query), _event))


@bp.route("/events", methods=["POST"])
@api_spec.validate(resp=responses(HTTP_201=EventOut), tags=["events"])
def create_event_api(json: EventIn) -> Any:
    """Add an event for an organisation the caller administers, published unless `publish` is false."""
    if not current_user.is_authenticated:
        denied(current_user)
    data = services.EventInput(
        title=json.title, kind=json.kind, language=json.language, starts=json.starts, ends=json.ends,
        timezone=json.timezone, organiser_id=_org_id(json.organiser, "organiser"), place=json.place,
        online=json.online, url=json.link, description=json.description,
    )  # fmt: skip
    event = call_service(services.create_event, data)
    if json.publish:
        event = call_service(services.set_event_state, event, "published")
    return _event(event), 201


@bp.route("/news")
@api_spec.validate(resp=responses(HTTP_200=NewsPage), tags=["events"])
def list_news_api(query: NewsQuery) -> Any:
    """Published news, newest first; `language=` and `org=` narrow it."""
    statement = (select(NewsItem).options(joinedload(NewsItem.organisation))
                 .where(NewsItem.state == "published")
                 .order_by(NewsItem.published_at.desc(), NewsItem.id.desc()))  # fmt: skip
    if query.language:
        statement = statement.where(NewsItem.language == query.language)
    if query.org:
        statement = statement.join(Organisation, Organisation.id == NewsItem.org_id).where(
            Organisation.external_id == query.org
        )
    return NewsPage(**paging.page_of(paging.paginate(statement, query), _news))


@bp.route("/news", methods=["POST"])
@api_spec.validate(resp=responses(HTTP_201=NewsOut), tags=["events"])
def create_news_api(json: NewsIn) -> Any:
    """Write a news item for an organisation the caller administers, published unless `publish` is false."""
    if not current_user.is_authenticated:
        denied(current_user)
    data = services.NewsInput(title=json.title, language=json.language, summary=json.summary,
                              body=json.body, org_id=_org_id(json.org, "org"))  # fmt: skip
    item = call_service(services.create_news, data)
    if json.publish:
        item = call_service(services.set_news_state, item, "published")
    return _news(item), 201
