"""A newcomer's first visit, in the browser: Kyrgyz, registration, confirmation, own profile."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.orgs import review
from covenant_hub.orgs.models import Organisation
from tests.e2e.steps import confirm_account, fill_registration, log_in
from tests.factories import make_org, make_user

PASSWORD = "tokmok-kun-nuru-2024"


def test_newcomer_registers_in_kyrgyz_and_edits_own_organisation(app, live_server, page):
    other = make_org(external_id="other-town", name="Other Town", country="kz")

    page.goto(live_server.url + "/")
    page.click("button[lang=ky]")
    assert page.get_attribute("html", "lang") == "ky"
    assert "Каталог" in page.inner_text("nav")

    fill_registration(page, live_server.url, "Айгүл Асанова", "aigul@example.kg", PASSWORD, "ky")
    page.fill("input[name=org_name]", "Токмок шаары")
    page.select_option("select[name=org_kind]", "candidate")
    page.select_option("select[name=org_country]", "kg")
    page.click("form[method=post] [type=submit]:not(.link-button)")

    confirm_account(page, live_server.url, live_server.outbox())

    log_in(page, live_server.url, "aigul@example.kg", PASSWORD)
    assert page.get_attribute("html", "lang") == "ky"

    page.goto(live_server.url + "/account/profile")
    page.click("main a:has-text('Токмок шаары')")
    page.wait_for_url("**/orgs/*")
    own_url = page.url
    page.goto(own_url + "/edit")
    page.fill("textarea[name=description]", "Токмок көчө жарыгын LED шамдарына алмаштырууну пландап жатат.")
    page.check("input[name=sectors][value=public_lighting]")
    page.click("main form[method=post] [type=submit]")
    expect(page.locator("main")).to_contain_text("LED шамдарына")

    # A self-registered organisation waits for staff before the directory lists it.
    page.goto(live_server.url + "/orgs/?sector=public_lighting&q=Токмок")
    assert "Токмок шаары" not in page.inner_text("main")
    db.session.rollback()  # see what the server committed
    own = db.session.scalar(select(Organisation).where(Organisation.name == "Токмок шаары"))
    review.approve(make_user(role="staff"), own)
    page.goto(live_server.url + "/orgs/?sector=public_lighting&q=Токмок")
    assert "Токмок шаары" in page.inner_text("main")

    response = page.goto(f"{live_server.url}/orgs/{other.external_id}/edit")
    assert response.status == 403
    assert page.get_attribute("html", "lang") == "ky"
