"""A newcomer's first visit, in the browser: Kyrgyz, registration, confirmation, own profile."""
from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

from tests.factories import make_org

PASSWORD = "tokmok-kun-nuru-2024"


def _confirmation_link(outbox: Path) -> str:
    messages = sorted(outbox.glob("*.eml"))
    assert messages, "no confirmation mail in the outbox"
    message = email.message_from_bytes(messages[-1].read_bytes(), policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/account/confirm/\S+", text)
    assert match, text
    return match.group(0)


def test_newcomer_registers_in_kyrgyz_and_edits_own_organisation(app, live_server, page):
    other = make_org(external_id="other-town", name="Other Town", country="kz")

    page.goto(live_server.url + "/")
    page.click("button[lang=ky]")
    assert page.get_attribute("html", "lang") == "ky"
    assert "Каталог" in page.inner_text("nav")

    page.goto(live_server.url + "/account/register")
    page.fill("input[name=name]", "Айгүл Асанова")
    page.fill("input[name=email]", "aigul@example.kg")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_repeat]", PASSWORD)
    page.select_option("select[name=language]", "ky")
    page.fill("input[name=org_name]", "Токмок шаары")
    page.select_option("select[name=org_kind]", "candidate")
    page.select_option("select[name=org_country]", "kg")
    page.click("form[method=post] [type=submit]:not(.link-button)")

    page.goto(_confirmation_link(live_server.outbox()).replace("http://127.0.0.1:5000", live_server.url))
    page.click("main form[method=post] [type=submit]")

    page.goto(live_server.url + "/account/login")
    page.fill("input[name=email]", "aigul@example.kg")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form[method=post] [type=submit]")
    assert page.get_attribute("html", "lang") == "ky"

    page.goto(live_server.url + "/account/profile")
    page.click("main a:has-text('Токмок шаары')")
    own_url = page.url
    page.goto(own_url + "/edit")
    page.fill("textarea[name=description]", "Токмок көчө жарыгын LED шамдарына алмаштырууну пландап жатат.")
    page.check("input[name=sectors][value=public_lighting]")
    page.click("main form[method=post] [type=submit]")
    assert "LED шамдарына" in page.inner_text("main")

    page.goto(live_server.url + "/orgs/?sector=public_lighting&q=Токмок")
    assert "Токмок шаары" in page.inner_text("main")

    response = page.goto(f"{live_server.url}/orgs/{other.external_id}/edit")
    assert response.status == 403
    assert page.get_attribute("html", "lang") == "ky"
