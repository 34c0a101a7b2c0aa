"""Host header poisoning: every absolute link the site emits is built on config PUBLIC_URL.

Each request here forges Host and X-Forwarded-Host. Were any link built from the request, a
feed, the sitemap, API JSON or a mail would point at the attacker's site (and a cache could
hand that copy to everyone).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.matching import workflow
from covenant_hub.programme.models import SupporterApplication
from tests.accounts.helpers import read_mails, text_of
from tests.conftest import TEST_PASSWORD
from tests.factories import (
    make_event,
    make_group,
    make_group_member,
    make_news,
    make_org,
    make_practice,
    make_thread,
    make_user,
)
from tests.matching.test_workflow import request_input, seed

PUBLIC = "https://hub.example.org"
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


@pytest.fixture
def public_app(app):
    app.config["PUBLIC_URL"] = PUBLIC
    return app


@pytest.fixture
def site(public_app):
    """One of each thing that has an absolute link: a supporter, its practice, event and news,
    a public group with a thread."""
    supporter = make_org(kind="supporter", external_id="union", name="Union of Cities")
    practice = make_practice(supporter)
    event = make_event(supporter)
    news = make_news(supporter)
    group = make_group(title="Energy forum")
    thread = make_thread(group, posts=2)
    return {
        "supporter": supporter,
        "practice": practice,
        "event": event,
        "news": news,
        "group": group,
        "thread": thread,
    }


def _body(client, path: str) -> str:
    response = client.get(path, headers=FORGED)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _only_public(text: str, *expected: str) -> None:
    assert "evil.example" not in text
    assert f"{PUBLIC}/" in text
    for path in expected:
        assert f"{PUBLIC}{path}" in text, path


def _pages(site: dict) -> dict[str, tuple[str, list[str]]]:
    """name -> (path, paths that must appear on PUBLIC_URL in its body)."""
    news, event, group, thread = site["news"].id, site["event"].id, site["group"].id, site["thread"].id
    pages = {}
    for fmt in ("rss", "atom"):
        pages[f"news.{fmt}"] = (f"/feeds/news.{fmt}", [f"/news/{news}", f"/feeds/news.{fmt}"])
        pages[f"agenda.{fmt}"] = (f"/feeds/agenda.{fmt}", [f"/events/{event}", f"/feeds/agenda.{fmt}"])
        pages[f"supporter.{fmt}"] = (
            f"/feeds/supporters/union.{fmt}",
            [f"/news/{news}", f"/events/{event}", f"/feeds/supporters/union.{fmt}"],
        )
        pages[f"group.{fmt}"] = (
            f"/forum/g/{group}/feed.{fmt}",
            [f"/forum/t/{thread}#post-", f"/forum/g/{group}/feed.{fmt}"],
        )
    pages.update(
        {
            "sitemap": ("/sitemap.xml", ["/sitemap/pages-1.xml", "/sitemap/events-1.xml"]),
            "sitemap-pages": ("/sitemap/pages-1.xml", ["/orgs/", "/events/"]),
            "sitemap-orgs": ("/sitemap/orgs-1.xml", ["/orgs/union"]),
            "sitemap-practices": ("/sitemap/practices-1.xml", [f"/practices/{site['practice'].id}"]),
            "sitemap-events": ("/sitemap/events-1.xml", [f"/events/{event}"]),
            "sitemap-news": ("/sitemap/news-1.xml", [f"/news/{news}"]),
            "agenda.ics": ("/events/agenda.ics", [f"/events/{event}"]),
            "event.ics": (f"/events/{event}.ics", [f"/events/{event}"]),
            "rss-help": ("/rss", ["/feeds/news.rss", "/feeds/agenda.atom", "/events/agenda.ics"]),
        }
    )
    return pages


FEEDS = [f"{kind}.{fmt}" for kind in ("news", "agenda", "supporter", "group") for fmt in ("rss", "atom")]
PAGE_NAMES = FEEDS + [
    "sitemap",
    "sitemap-pages",
    "sitemap-orgs",
    "sitemap-practices",
    "sitemap-events",
    "sitemap-news",
    "agenda.ics",
    "event.ics",
    "rss-help",
]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_feeds_sitemap_and_calendars_link_to_public_url(site, client, name):
    path, expected = _pages(site)[name]
    _only_public(_body(client, path), *expected)


@pytest.mark.parametrize("path", ["/api/v1/practices", "/api/v1/groups", "/api/v1/threads"])
def test_api_urls(site, client, path):
    expected = {
        "/api/v1/practices": f"{PUBLIC}/practices/{site['practice'].id}",
        "/api/v1/groups": f"{PUBLIC}/forum/g/{site['group'].id}",
        "/api/v1/threads": f"{PUBLIC}/forum/t/{site['thread'].id}",
    }[path]
    response = client.get(path, headers=FORGED)
    assert "evil.example" not in response.get_data(as_text=True)
    assert [item["url"] for item in response.get_json()["items"]] == [expected]


def _login(client, user) -> None:
    """Logged in on the forged host, so the session cookie goes with the forged requests."""
    response = client.post(
        "/account/login", data={"email": user.email, "password": TEST_PASSWORD}, headers=FORGED
    )
    assert response.status_code == 302


def _mail_to(outbox, address: str) -> str:
    texts = [text_of(mail) for mail in read_mails(outbox) if mail["To"] == address]
    assert texts, f"no mail to {address}"
    return "\n".join(texts)


def test_forum_mention_mail(public_app, client, outbox):
    old = utcnow() - timedelta(days=30)
    group = make_group(title="Energy forum")
    author = make_group_member(group, make_user(name="Aigul Author", created_at=old))
    named = make_user(name="Bakyt Named", created_at=old)
    thread = make_thread(group, author)
    _login(client, author)
    response = client.post(
        f"/forum/t/{thread.id}/reply", data={"body": "What do you think, @[Bakyt Named]?"}, headers=FORGED
    )
    assert response.status_code == 302
    _only_public(_mail_to(outbox, named.email), f"/forum/t/{thread.id}")


def test_matching_notice_mail(public_app, client, outbox):
    orgs = seed()
    requester = make_user(org=orgs["city"], org_role="org_admin")
    invitee = make_user(org=orgs["supporter"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], requester, request_input())
    [invitation] = workflow.invite(request, requester, [orgs["supporter"].id], "Can you help?")
    _login(client, invitee)
    client.post(
        f"/matching/invitations/{invitation.id}/answer",
        data={"accept": "1", "message": "Yes"},
        headers=FORGED,
    )
    assert invitation.state == "accepted"
    _only_public(_mail_to(outbox, requester.email), f"/matching/requests/{request.id}")


def test_programme_mail(public_app, client, outbox):
    applicant = make_user(name="Nurlan")
    _login(client, applicant)
    response = client.post(
        "/programme/apply",
        headers=FORGED,
        data={
            "network_name": "Naryn network",
            "network_kind": "regional_network",
            "country": "kg",
            "member_count": "12",
            "languages": "ky, ru",
            "regions": "Naryn",
            "motivation": "To help",
            "contact_name": "Nurlan",
            "contact_email": "nurlan@example.kg",
        },
    )
    assert response.status_code == 302
    application = db.session.scalar(
        select(SupporterApplication).where(SupporterApplication.user_id == applicant.id)
    )
    _only_public(_mail_to(outbox, applicant.email), f"/programme/applications/{application.id}")
