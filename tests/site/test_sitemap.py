"""sitemap.xml: a valid index whose files list the public pages, split when they grow."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from covenant_hub.site import sitemap
from tests.factories import make_event, make_news, make_org, make_practice

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://hub.example.org"


@pytest.fixture(autouse=True)
def public_url(app):
    """Sitemap URLs are built on PUBLIC_URL, whatever host the request came to."""
    app.config["PUBLIC_URL"] = BASE


def _locs(body: bytes) -> list[str]:
    return [node.text for node in ElementTree.fromstring(body).iter(f"{NS}loc")]


def _all_urls(client) -> list[str]:
    index = client.get("/sitemap.xml")
    assert index.mimetype == "application/xml"
    assert ElementTree.fromstring(index.data).tag == f"{NS}sitemapindex"
    urls = []
    for location in _locs(index.data):
        part = client.get(location.removeprefix(BASE))
        assert part.status_code == 200
        assert ElementTree.fromstring(part.data).tag == f"{NS}urlset"
        urls += _locs(part.data)
    return urls


def test_sitemap_lists_public_pages_only(world, client):
    practice = make_practice(world.signatory)
    draft = make_practice(world.signatory, state="draft")
    event = make_event(world.supporter)
    hidden_event = make_event(world.supporter, state="draft")
    news = make_news(world.supporter)
    coordinator = make_org(kind="coordinator", external_id="coord-kg")
    urls = _all_urls(client)
    assert f"{BASE}/" in urls and f"{BASE}/orgs/" in urls
    assert f"{BASE}/practices/{practice.id}" in urls
    assert f"{BASE}/practices/{draft.id}" not in urls
    assert f"{BASE}/events/{event.id}" in urls
    assert f"{BASE}/events/{hidden_event.id}" not in urls
    assert f"{BASE}/news/{news.id}" in urls
    assert f"{BASE}/orgs/{world.supporter.external_id}" in urls
    assert f"{BASE}/orgs/{coordinator.external_id}" in urls
    assert f"{BASE}/orgs/{world.signatory.external_id}" not in urls  # the directory links them


def test_sections_split_into_pages(world, client, monkeypatch):
    monkeypatch.setattr(sitemap, "PAGE_SIZE", 2)
    for number in range(5):
        make_org(kind="supporter", external_id=f"net-{number}")
    locations = _locs(client.get("/sitemap.xml").data)
    org_files = [loc for loc in locations if "/sitemap/orgs-" in loc]
    assert len(org_files) == 4  # 7 supporters (2 from the world), 2 per file
    assert len(_all_urls(client)) > 7
    assert client.get("/sitemap/orgs-5.xml").status_code == 404
    assert client.get("/sitemap/unknown-1.xml").status_code == 404
