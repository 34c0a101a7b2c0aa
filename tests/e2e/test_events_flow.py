"""In the browser: staff publish news and an event in Russian; a visitor finds them on the home
page and the agenda, downloads the .ics, and subscribes to the newsletter through the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import select

from covenant_hub.events.models import NewsletterSubscription
from covenant_hub.extensions import db
from tests.e2e.steps import log_in, mailed_path
from tests.factories import make_org, make_user

NEWS_TITLE = "Бишкек заменил 12 000 уличных фонарей"
EVENT_TITLE = "Мастер-класс: энергоаудит школ"


def _publish(page) -> None:
    page.click(".editor-actions form [type=submit]")
    assert page.locator(".editor-actions button[name=withdraw]").count() == 1


def _write_news(page, url: str) -> None:
    page.goto(url + "/news/new")
    page.fill("input[name=title]", NEWS_TITLE)
    page.select_option("select[name=org_id]", "0")
    page.select_option("select[name=language]", "ru")
    page.fill("textarea[name=summary]", "Расходы на освещение снизились на 58 %.")
    page.fill("textarea[name=body]", "Итоги **первого года** программы.")
    page.click("main form[method=post] [type=submit]")
    _publish(page)


def _write_event(page, url: str, organiser_id: int, day: datetime) -> None:
    page.goto(url + "/events/new")
    page.fill("input[name=title]", EVENT_TITLE)
    page.select_option("select[name=kind]", "masterclass")
    page.select_option("select[name=organiser_id]", str(organiser_id))
    page.select_option("select[name=language]", "ru")
    page.fill("input[name=starts]", day.strftime("%Y-%m-%dT10:00"))
    page.fill("input[name=ends]", day.strftime("%Y-%m-%dT13:00"))
    page.select_option("select[name=timezone]", "Asia/Bishkek")
    page.fill("input[name=place]", "Ош, мэрия")
    page.fill("textarea[name=description]", "Практический разбор энергоаудита.")
    page.click("main form[method=post] [type=submit]")
    _publish(page)


def test_staff_publish_and_a_visitor_follows(app, live_server, page, tmp_path):
    organiser = make_org(kind="supporter", name="Центр энергоэффективности", country="kg")
    make_user(role="staff", email="staff@example.org", language="ru")
    organiser_id = organiser.id
    # Outside a request this process begins IMMEDIATE: end its transaction so the server can write.
    db.session.rollback()
    url = live_server.url
    day = datetime.now(UTC) + timedelta(days=10)

    log_in(page, url, "staff@example.org")
    assert page.get_attribute("html", "lang") == "ru"
    _write_news(page, url)
    _write_event(page, url, organiser_id, day)
    page.click("header form[action$='/logout'] [type=submit]")

    page.goto(url + "/")
    main = page.inner_text("main")
    assert NEWS_TITLE in main and EVENT_TITLE in main
    assert page.locator("head link[rel=alternate][type='text/calendar']").count() == 1

    page.goto(url + "/events/")
    page.click(f"main a:has-text('{EVENT_TITLE}')")
    assert "Asia/Bishkek" in page.inner_text("main") and "10:00" in page.inner_text("main")
    with page.expect_download() as download_info:
        page.click("a[href$='.ics']")
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    [entry] = calendar.walk("VEVENT")
    assert str(entry["SUMMARY"]) == EVENT_TITLE and entry.decoded("DTSTART").hour == 10
    ics = page.request.get(page.url + ".ics")
    assert ics.status == 200 and ics.headers["content-type"].startswith("text/calendar")

    page.goto(url + f"/events/month/{day.year}-{day.month}")
    assert EVENT_TITLE in page.inner_text("main")

    page.goto(url + "/newsletter/")
    page.fill("input[name=email]", "reader@example.kg")
    page.select_option("select[name=language]", "ky")
    page.click("main form[method=post] [type=submit]")
    expect(page.locator(".flash-success")).to_have_count(1)
    page.goto(url + mailed_path(live_server.outbox(), "/newsletter/confirm/"))
    page.click("main form[method=post] [type=submit]")
    expect(page.locator(".flash-success")).to_have_count(1)
    db.session.expire_all()
    row = db.session.scalar(
        select(NewsletterSubscription).where(NewsletterSubscription.email == "reader@example.kg")
    )
    assert row.status == "active" and row.language == "ky"
