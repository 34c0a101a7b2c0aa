"""Feeds parse as XML, keep newest first and escape what they carry."""
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest

from covenant_hub.feeds import FeedItem, build_feed

ITEMS = [
    FeedItem(id="urn:x:2", title="Newer <script>alert(1)</script>", link="http://h/2", summary="b & c",
             published=datetime(2024, 3, 2, tzinfo=UTC), author="Айгүл"),
    FeedItem(id="urn:x:1", title="Older", link="http://h/1", summary="a",
             published=datetime(2024, 3, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feed_parses_and_keeps_order(fmt):
    body = build_feed(feed_id="urn:x", title="T", link="http://h/", self_link="http://h/feed",
                      description="d", language="ky", items=ITEMS, fmt=fmt)
    root = ElementTree.fromstring(body)
    titles = [element.text for element in root.iter() if element.tag.split("}")[-1] == "title"]
    assert titles[1:] == ["Newer <script>alert(1)</script>", "Older"]
    assert b"<script>" not in body  # escaped as text, never markup
