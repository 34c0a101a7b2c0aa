"""Feed items for news, the agenda and each supporter, handed to covenant_hub.feeds.build_feed."""

from __future__ import annotations

from collections.abc import Iterable

from covenant_hub.events import labels
from covenant_hub.events.models import Event, NewsItem, as_utc
from covenant_hub.feeds import FeedItem
from covenant_hub.urls import public_url

FEED_SIZE = 50


def news_feed_items(items: Iterable[NewsItem]) -> list[FeedItem]:
    """Newest first; the summary (plain text) is the feed's description."""
    return [
        FeedItem(
            id=public_url("events.show_news", news_id=item.id),
            title=item.title,
            link=public_url("events.show_news", news_id=item.id),
            summary=item.summary or item.title,
            published=as_utc(item.published_at or item.created_at),
            author=item.organisation.name if item.organisation is not None else None,
        )
        for item in items
    ]


def event_feed_items(events: Iterable[Event]) -> list[FeedItem]:
    """An event's entry starts with when and where, the facts a reader scans a feed for."""
    items = []
    for event in events:
        where = event.place or (event.url if event.online else "") or ""
        when = labels.format_when(event.starts_utc, event.ends_utc, event.zone)
        link = public_url("events.show_event", event_id=event.id)
        items.append(
            FeedItem(
                id=link,
                title=event.title,
                link=link,
                summary=" · ".join(part for part in (labels.kind_label(event.kind), when, where) if part),
                published=as_utc(event.published_at or event.created_at),
                author=event.organiser.name if event.organiser is not None else None,
            )
        )
    items.sort(key=lambda item: item.published, reverse=True)
    return items
