"""sitemap.xml as a sitemap index over sections split into files of at most PAGE_SIZE URLs.

With 12,000 organisations and thousands of practices one file would soon pass the protocol's
50,000-URL limit, and most organisations (plain signatories without a page of their own
content) are not worth crawling: the directory links them. So only supporters,
coordinators and offices are listed, plus published practices, events and news.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree

from sqlalchemy import Select, func, select

from covenant_hub.events.models import Event, NewsItem, as_utc
from covenant_hub.extensions import db
from covenant_hub.library.models import Practice
from covenant_hub.orgs.models import Organisation, listed
from covenant_hub.urls import public_url

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
PAGE_SIZE = 10_000
LISTED_ORG_KINDS = ("supporter", "coordinator", "office")


@dataclass(frozen=True)
class Entry:
    location: str
    modified: datetime | None = None


def _static_entries() -> list[Entry]:
    endpoints = [
        "site.home",
        "orgs.directory",
        "library.list_practices",
        "events.list_events",
        "events.past_events",
        "events.list_news",
        "events.rss_help",
        "site.legal_notice",
        "site.acknowledgements",
        "site.about_data",
    ]
    return [Entry(public_url(endpoint)) for endpoint in endpoints]


def _org_query() -> Select:
    return (
        select(Organisation.external_id, Organisation.updated_at)
        .where(Organisation.kind.in_(LISTED_ORG_KINDS), listed())
        .order_by(Organisation.id)
    )


def _practice_query() -> Select:
    return select(Practice.id, Practice.updated_at).where(Practice.state == "published").order_by(Practice.id)


def _event_query() -> Select:
    return select(Event.id, Event.updated_at).where(Event.state == "published").order_by(Event.id)


def _news_query() -> Select:
    return select(NewsItem.id, NewsItem.updated_at).where(NewsItem.state == "published").order_by(NewsItem.id)


# section name -> (query of (key, modified), how a key becomes a URL)
SECTIONS: dict[str, tuple[Callable[[], Select], Callable[[object], str]]] = {
    "orgs": (_org_query, lambda key: public_url("orgs.view_profile", external_id=key)),
    "practices": (_practice_query, lambda key: public_url("library.show_practice", practice_id=key)),
    "events": (_event_query, lambda key: public_url("events.show_event", event_id=key)),
    "news": (_news_query, lambda key: public_url("events.show_news", news_id=key)),
}


def section_pages(section: str) -> int:
    """How many files a section needs (at least one, so every listed file exists)."""
    query, _ = SECTIONS[section]
    total = db.session.scalar(select(func.count()).select_from(query().subquery())) or 0
    return max(1, -(-total // PAGE_SIZE))


def section_entries(section: str, page: int) -> list[Entry] | None:
    """One file's URLs; None when the section or page does not exist."""
    if section == "pages":
        return _static_entries() if page == 1 else None
    if section not in SECTIONS or page < 1 or page > section_pages(section):
        return None
    query, to_url = SECTIONS[section]
    rows = db.session.execute(query().offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return [Entry(to_url(key), as_utc(modified)) for key, modified in rows]


def index_locations() -> Iterator[str]:
    yield public_url("site.sitemap_section", section="pages", page=1)
    for section in SECTIONS:
        for page in range(1, section_pages(section) + 1):
            yield public_url("site.sitemap_section", section=section, page=page)


def _xml(root: ElementTree.Element) -> bytes:
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def render_index() -> bytes:
    root = ElementTree.Element("sitemapindex", xmlns=NAMESPACE)
    for location in index_locations():
        ElementTree.SubElement(ElementTree.SubElement(root, "sitemap"), "loc").text = location
    return _xml(root)


def render_urlset(entries: list[Entry]) -> bytes:
    root = ElementTree.Element("urlset", xmlns=NAMESPACE)
    for entry in entries:
        node = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(node, "loc").text = entry.location
        if entry.modified is not None:
            ElementTree.SubElement(node, "lastmod").text = entry.modified.date().isoformat()
    return _xml(root)
