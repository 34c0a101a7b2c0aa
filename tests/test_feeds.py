"""Feeds parse as XML, keep newest first and escape what they carry."""

from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest

from covenant_hub.feeds import FeedItem, build_feed

ITEMS = [
    FeedItem(
        id="urn:x:2",
        title="Newer <script>alert(1)</script>",
        link="http://h/2",
        summary="b & c",
        published=datetime(2024, 3, 2, tzinfo=UTC),
        author="Айгүл",
    ),
    FeedItem(
        id="urn:x:1",
        title="Older",
        link="http://h/1",
        summary="a",
        published=datetime(2024, 3, 1, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feed_parses_and_keeps_order(fmt):
    body = build_feed(
        feed_id="urn:x",
        title="T",
        link="http://h/",
        self_link="http://h/feed",
        description="d",
        language="ky",
        items=ITEMS,
        fmt=fmt,
    )
    root = ElementTree.fromstring(body)
    titles = [element.text for element in root.iter() if element.tag.split("}")[-1] == "title"]
    assert titles[1:] == ["Newer <script>alert(1)</script>", "Older"]
    assert b"<script>" not in body  # escaped as text, never markup


def test_channel_links_to_the_page_and_atom_also_to_itself():
    def build(fmt: str) -> ElementTree.Element:
        return ElementTree.fromstring(
            build_feed(
                feed_id="urn:x",
                title="T",
                link="http://h/page",
                self_link="http://h/feed",
                description="d",
                language="ru",
                items=ITEMS,
                fmt=fmt,
            )
        )

    channel = build("rss").find("channel")
    assert channel is not None and channel.findtext("link") == "http://h/page"
    atom = {
        link.get("rel"): link.get("href")
        for link in build("atom").findall("{http://www.w3.org/2005/Atom}link")
    }
    assert atom == {"alternate": "http://h/page", "self": "http://h/feed"}
