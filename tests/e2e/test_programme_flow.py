"""A network becomes a Covenant Supporter, in the browser, as a new user would: it applies in
Kyrgyz, staff accept it, the network completes the agreement, an admin records it, the supporter
lists its services and appears in the directory; then the admin suspends it and its profile
says so."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from covenant_hub.extensions import db
from tests.e2e.steps import confirm_account, fill_registration, log_in
from tests.factories import make_user

PASSWORD = "ysyk-kol-tarmagy-2026"
NETWORK = "Ысык-Көл шаарларынын тармагы"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _register_in_kyrgyz(page, server) -> None:
    page.goto(server.url + "/")
    page.click("button[lang=ky]")
    fill_registration(page, server.url, "Айнура Касымова", "ainura@example.kg", PASSWORD, "ky")
    page.click("main form[method=post] [type=submit]")
    page.wait_for_url(lambda url: "/account/register" not in url)
    confirm_account(page, server.url, server.outbox())


def _apply(page, server) -> str:
    page.goto(server.url + "/programme/")
    page.click("main a.button[href$='/programme/apply']")
    page.fill("input[name=network_name]", NETWORK)
    page.select_option("select[name=network_kind]", "regional_network")
    page.select_option("select[name=country]", "kg")
    page.fill("input[name=member_count]", "14")
    page.fill("input[name=languages]", "ky, ru")
    page.fill("textarea[name=regions]", "Ысык-Көл облусу")
    page.fill("textarea[name=motivation]", "Шаарларга Мэрлер келишимине кошулууга жардам беребиз.")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(re.compile(r".*/programme/applications/\d+$"))
    assert page.get_attribute("html", "lang") == "ky"
    assert NETWORK in page.inner_text("main h1")
    return page.url


def test_network_becomes_a_supporter_then_is_suspended(app, live_server, page):
    staff_email = make_user(role="staff", name="Farida Staff").email
    admin_email = make_user(role="admin", name="Gulnara Admin").email
    # Reading attributes opened a transaction (BEGIN IMMEDIATE outside requests): end it, so the
    # server's workers can write.
    db.session.rollback()
    server = live_server

    _register_in_kyrgyz(page, server)
    log_in(page, server.url, "ainura@example.kg", PASSWORD)
    application_url = _apply(page, server)

    log_in(page, server.url, staff_email)
    page.goto(application_url)
    page.fill("#accept-form textarea[name=notes]", "Тармак талаптарга жооп берет.")
    page.click("#accept-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_count(1)

    log_in(page, server.url, "ainura@example.kg", PASSWORD)
    page.goto(application_url)
    for box in page.locator("#agreement-form input[type=checkbox]").all():
        box.check()
    page.click("#agreement-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_count(1)

    log_in(page, server.url, admin_email)
    page.goto(application_url)
    page.fill("#record-form input[name=signed_on]", date.today().isoformat())
    page.fill("#record-form input[name=signatory_name]", "Айнура Касымова")
    page.set_input_files(
        "#record-form input[name=signed_pdf]",
        files=[{"name": "келишим.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("#record-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_count(1)
    expect(page.locator("a[download]")).to_have_count(1)

    log_in(page, server.url, "ainura@example.kg", PASSWORD)
    page.goto(application_url)
    page.click(f"main a:has-text('{NETWORK}')")
    profile_url = page.url
    page.click("main a[href$='/services']")
    page.select_option("select[name=service_type]", "translation")
    page.fill("input[name=languages]", "ky, ru")
    page.fill("textarea[name=description]", "Документтерди кыргыз тилине которобуз.")
    page.click("#service-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_count(1)
    page.goto(profile_url)
    assert "Документтерди кыргыз тилине которобуз." in page.inner_text("#services ~ .service-list")
    page.goto(server.url + "/orgs/?kind=supporter&q=Ысык-Көл")
    assert NETWORK in page.inner_text("main table")

    log_in(page, server.url, admin_email)
    page.goto(profile_url)
    page.click("main a[href$='/suspension']")
    page.fill("textarea[name=reason]", "Жылдык отчет берилген жок.")
    page.click("#suspend-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_count(1)
    page.context.clear_cookies()
    page.goto(profile_url)
    assert "Жылдык отчет берилген жок." in page.inner_text("#supporter-suspended")
