"""Search results are the one place templates mark text safe: only <mark> may come through.

Payloads go into indexed titles and bodies (practice, thread, post), are found through the page
and the API, both from the index and from the database fallback used while it is broken."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from covenant_hub.search.fallback import _mark
from covenant_hub.search.service import get_service
from tests.factories import make_group, make_practice, make_thread

PAYLOAD = '<img src=x onerror=alert(1)> lamp "><script>alert(2)</script> &amp; <mark>x</mark> mark lt'
QUERY = "lamp mark lt amp script img"


class ResultTags(HTMLParser):
    """Start tags and attributes found inside <ol class="results">."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.tags: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "ol" and ("class", "results") in attrs:
            self.depth = 1
        elif self.depth:
            self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))

    def handle_endtag(self, tag):
        if tag == "ol":
            self.depth = 0


def _seed():
    make_practice(title=f"Street {PAYLOAD}", summary=PAYLOAD, body=PAYLOAD)
    make_thread(make_group(), title=f"Thread {PAYLOAD}")


def _check_page(html: str) -> None:
    parser = ResultTags()
    parser.feed(html)
    assert parser.tags, "no results on the page"
    allowed = {
        ("li", ("class", "lang")),
        ("span", ("class",)),
        ("span", ("class", "lang")),
        ("a", ("href",)),
        ("p", ("class",)),
        ("mark", ()),
    }
    assert set(parser.tags) <= allowed, set(parser.tags) - allowed
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&gt;alert(2)&lt;/" in html  # the payload is on the page, escaped


def _check_api(data: dict) -> None:
    assert data["results"]
    snippets = [item["snippet"] for item in data["results"]]
    assert any("&gt;alert(2)&lt;/" in text for text in snippets), snippets  # the payload, escaped
    for item in data["results"]:
        for tag in ("<script", "<img", "<mark>x</mark>"):
            assert tag not in item["snippet"]


def _break_index(app, monkeypatch):
    def broken(_query):
        raise OSError("read error")

    monkeypatch.setattr(get_service(app).index, "search", broken)


@pytest.mark.parametrize("path", ["index", "fallback"])
def test_payloads_in_titles_and_bodies_come_out_escaped(app, client, monkeypatch, path):
    _seed()
    client.get("/api/v1/search", query_string={"q": "lamp"})  # index built
    if path == "fallback":
        _break_index(app, monkeypatch)
    response = client.get("/api/v1/search", query_string={"q": QUERY})
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["degraded"] == (path == "fallback")
    _check_api(data)
    page = client.get("/search", query_string={"q": QUERY})
    assert page.mimetype == "text/html"
    _check_page(page.get_data(as_text=True))


def test_fallback_marks_words_without_touching_entities_or_its_own_tags():
    marked = _mark("a < b & c mark dark", ["lt", "amp", "mark", "dark", "ark"])
    assert marked == "a &lt; b &amp; c <mark>mark</mark> <mark>dark</mark>"


def test_the_page_check_can_fail():
    with pytest.raises(AssertionError):
        _check_page('<ol class="results"><li class="r" lang="en"><img src=x onerror=alert(1)></li></ol>')
