"""News: drafts, publishing, the home page, and every feed parsed as XML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from covenant_hub.events.models import NewsItem
from covenant_hub.extensions import db
from tests.factories import make_event, make_news
from tests.sessions import login

ATOM = "{http://www.w3.org/2005/Atom}"


def _titles(body: bytes) -> list[str]:
    root = ElementTree.fromstring(body)
    if root.tag == f"{ATOM}feed":
        return [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
    return [item.findtext("title") for item in root.iter("item")]


def test_staff_writes_a_draft_then_publishes_it(world, client):
    login(client, world.user("staff"))
    response = client.post(
        "/news/new",
        data={"title": "Жаңылык", "org_id": "0", "language": "ky", "summary": "Кыскача", "body": "**Текст**"},
    )
    assert response.status_code == 302
    item = db.session.scalars(db.select(NewsItem)).one()
    assert item.state == "draft" and item.org_id is None and item.published_at is None
    login(client, None)
    assert "Жаңылык" not in client.get("/news/").get_data(as_text=True)
    assert client.get(f"/news/{item.id}").status_code == 404
    login(client, world.user("staff"))
    client.post(f"/news/{item.id}/publish")
    db.session.refresh(item)
    assert item.state == "published" and item.published_at is not None
    login(client, None)
    page = client.get(f"/news/{item.id}").get_data(as_text=True)
    assert "<strong>Текст</strong>" in page


def test_publishing_twice_is_refused_with_a_message(world, client):
    item = make_news(world.supporter)
    login(client, world.user("supporter_admin"))
    page = client.post(f"/news/{item.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert "already in that state" in page


def test_supporter_admin_writes_only_for_own_supporter(world, client):
    login(client, world.user("supporter_admin"))
    page = client.get("/news/new").get_data(as_text=True)
    assert world.supporter.name in page and "Covenant Hub team" not in page
    client.post("/news/new", data={"title": "X", "org_id": "0", "language": "en"})
    client.post("/news/new", data={"title": "Y", "org_id": str(world.other_supporter.id), "language": "en"})
    assert db.session.scalar(db.select(db.func.count(NewsItem.id))) == 0
    client.post("/news/new", data={"title": "Z", "org_id": str(world.supporter.id), "language": "en"})
    assert db.session.scalar(db.select(db.func.count(NewsItem.id))) == 1  # for its own, it writes


def test_markdown_body_is_sanitised(world, client):
    item = make_news(world.supporter, body="<script>alert(1)</script>[x](javascript:alert(1))")
    page = client.get(f"/news/{item.id}").get_data(as_text=True)
    body = page.split('class="markdown-body"')[1].split("</div>")[0]
    assert "<script" not in body and 'href="javascript:' not in body


def test_home_shows_latest_news_and_next_events_and_advertises_feeds(world, client):
    make_news(world.supporter, title="Кабар жаңы")
    make_event(world.supporter, title="Келечектеги иш-чара")
    page = client.get("/").get_data(as_text=True)
    assert "Кабар жаңы" in page and "Келечектеги иш-чара" in page
    head = page.split("</head>")[0]
    assert '<link rel="alternate" type="application/rss+xml"' in head
    assert 'href="/feeds/news.rss"' in head and 'href="/feeds/news.atom"' in head
    assert '<link rel="alternate" type="text/calendar"' in head and 'href="/events/agenda.ics"' in head


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_news_feed_parses_newest_first_without_drafts(world, client, fmt):
    now = datetime.now(UTC)
    make_news(world.supporter, title="Older", published_at=now - timedelta(days=2))
    make_news(None, title="Newer <b>bold</b>", published_at=now - timedelta(days=1))
    make_news(world.supporter, title="Hidden draft", state="draft", published_at=None)
    response = client.get(f"/feeds/news.{fmt}")
    assert response.mimetype == f"application/{fmt}+xml"
    assert _titles(response.data) == ["Newer <b>bold</b>", "Older"]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_agenda_feed_parses(world, client, fmt):
    make_event(world.supporter, title="Вебинар")
    assert _titles(client.get(f"/feeds/agenda.{fmt}").data) == ["Вебинар"]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_supporter_feed_has_its_news_and_events_only(world, client, fmt):
    make_news(world.supporter, title="Our news")
    make_event(world.supporter, title="Our event")
    make_news(world.other_supporter, title="Their news")
    titles = _titles(client.get(f"/feeds/supporters/{world.supporter.external_id}.{fmt}").data)
    assert sorted(titles) == ["Our event", "Our news"]


def test_feed_errors(world, client):
    assert client.get("/feeds/news.json").status_code == 404
    assert client.get(f"/feeds/supporters/{world.signatory.external_id}.rss").status_code == 404


@pytest.mark.parametrize("path", ["/rss", "/legal", "/acknowledgements", "/news/", "/events/"])
def test_pages_render_in_kyrgyz(client, path):
    response = client.get(f"{path}?lang=ky")
    assert response.status_code == 200
    assert '<html lang="ky">' in response.get_data(as_text=True)


def test_acknowledgements_credit_the_jrc_under_cc_by(client):
    page = client.get("/acknowledgements").get_data(as_text=True)
    assert "Joint Research Centre" in page and "CC BY 4.0" in page
    footer = client.get("/").get_data(as_text=True).split('class="site-footer"')[1]
    for path in ("/rss", "/legal", "/acknowledgements", "/newsletter/", "/news/"):
        assert f'href="{path}"' in footer
