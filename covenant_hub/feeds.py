"""RSS 2.0 and Atom feeds for any list of items (groups, news, agenda, supporters), via feedgen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Response

from covenant_hub.inputs import clean_text

FEED_FORMATS = ("rss", "atom")
FEED_MIMETYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


@dataclass(frozen=True)
class FeedItem:
    """One entry: plain-text summary; `link` must be absolute."""

    id: str
    title: str
    link: str
    summary: str
    published: datetime
    author: str | None = None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def build_feed(
    *,
    feed_id: str,
    title: str,
    link: str,
    self_link: str,
    description: str,
    language: str,
    items: Iterable[FeedItem],
    fmt: str,
) -> bytes:
    """Serialise `items` (newest first) as RSS 2.0 or Atom; feedgen escapes every field.

    Text is cleaned once more here: requests are cleaned as they are parsed, but rows imported
    or stored before that may still hold characters XML cannot carry, and lxml refuses them."""
    generator = FeedGenerator()
    generator.id(feed_id)
    generator.title(clean_text(title))
    # Self first: RSS keeps only the last link as the channel's <link>, which must be the page.
    generator.link(href=self_link, rel="self")
    generator.link(href=link, rel="alternate")
    generator.description(clean_text(description or title))
    generator.language(language)
    entries = list(items)
    generator.updated(_aware(entries[0].published) if entries else datetime.now(UTC))
    for item in reversed(entries):  # feedgen prepends: add oldest first to keep newest on top
        entry = generator.add_entry()
        entry.id(item.id)
        entry.title(clean_text(item.title))
        entry.link(href=item.link)
        entry.summary(clean_text(item.summary or item.title))
        entry.published(_aware(item.published))
        entry.updated(_aware(item.published))
        if item.author:
            entry.author({"name": clean_text(item.author)})
    return generator.atom_str(pretty=True) if fmt == "atom" else generator.rss_str(pretty=True)


def feed_response(body: bytes, fmt: str, items: Sequence[FeedItem] = ()) -> Response:
    """Serve a built feed with its media type; Last-Modified is its newest item's time (for
    If-Modified-Since; the ETag is added for every feed by conditional.py)."""
    response = Response(body, mimetype=FEED_MIMETYPES[fmt])
    if items:
        response.last_modified = max(_aware(item.published) for item in items)
    return response
