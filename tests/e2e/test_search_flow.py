"""In the browser: a member types an inflected Kyrgyz word in the search box on any page, finds
the practice, narrows the results with a facet and sees the matched word highlighted; a
members-only group's thread stays out of an outsider's results."""

from __future__ import annotations

import time
from datetime import timedelta

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.search import indexer
from covenant_hub.search.service import get_service
from tests.e2e.steps import log_in
from tests.factories import make_group, make_org, make_practice, make_thread, make_user

INDEX_READY_S = 60


def _wait_for_the_index(page) -> None:
    """A worker that started before the test's data existed may answer from the database for a
    moment (it says so on the page) while its index catches up; a visitor would search again."""
    deadline = time.monotonic() + INDEX_READY_S
    while page.locator(".search-degraded").count() and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        page.reload()


def test_member_finds_a_kyrgyz_practice_by_an_inflected_word(app, live_server, page) -> None:
    base = live_server.url
    town = make_org(name="Токмок шаары")
    member = make_user(org=town, language="ky", created_at=utcnow() - timedelta(days=5))
    practice = make_practice(
        org=town, title="Шаардын көчөлөрүн жарыктандыруу", language="ky",
        summary="Токмок шаарында көчө чырактары LED менен алмаштырылды.",
    )  # fmt: skip
    make_thread(make_group(title="Шаар форуму", language="ky"), title="Шаар жарыгы жөнүндө", language="ky")
    secret = make_thread(make_group(visibility="members", join_policy="request"), title="Жабык шаар клубу")
    email, practice_id, secret_title = member.email, practice.id, secret.title
    indexer.rebuild(get_service(app).index, procs=1)  # as `make run` does before serving
    db.session.commit()  # end our transaction: the server must not wait on our lock

    log_in(page, base, email)
    page.goto(base + "/forum/")
    assert page.locator("label[for=site-search]").count() == 1  # named for screen readers
    page.focus("#site-search")
    page.keyboard.type("шаарлардын")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?**")
    _wait_for_the_index(page)
    results = page.locator("ol.results")
    assert results.count() == 1, f"no results:\n{page.inner_text('main')}\n{live_server.errors()}"
    assert f"/practices/{practice_id}" in results.inner_html()
    assert secret_title not in page.inner_text("main")

    page.locator("aside.facets a[href*='type=practice']").click()
    page.wait_for_url("**type=practice**")
    items = page.locator("ol.results > li")
    assert items.count() == 1
    assert items.first.locator("mark").count() >= 1
    assert page.locator("aside.facets a[aria-current=true]").count() == 1
    items.first.locator("a").click()
    page.wait_for_url(f"**/practices/{practice_id}")
