"""In the browser, in Kyrgyz: staff open their desk, see who flagged a post, when and why, keep
the post and publish a practice from the desk; a reader switches between a practice's language
versions, their own language first."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.forum.models import Flag, Post
from tests.e2e.steps import log_in
from tests.factories import make_group, make_org, make_practice, make_thread, make_user


def _seed() -> dict:
    staff = make_user(role="staff", name="Фарида Кызматкер", language="ky")
    flagger = make_user(name="Нурлан Даттануучу")
    thread = make_thread(make_group(title="Калдыктар форуму"), title="Базардагы компост")
    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    db.session.add(Flag(post_id=post.id, user_id=flagger.id, reason="Жарнама, тажрыйба эмес"))
    owner = make_org(name="Каракол")
    submitted = make_practice(owner, title="Мектептердеги күн панелдери", language="ky", state="submitted")
    family = {
        language: make_practice(
            owner, external_id=f"led-{language}", title=title, language=language, translation_group="led-ky"
        )
        for language, title in (
            ("en", "LED street lights"),
            ("ru", "Светодиодные фонари"),
            ("ky", "LED көчө жарыгы"),
        )
    }
    ids = {"staff": staff.email, "submitted": submitted.id, "en": family["en"].id, "ky": family["ky"].id}
    db.session.commit()  # end our transaction: the server must not wait on our lock
    return ids


def test_staff_desk_and_the_translation_switcher_in_kyrgyz(app, live_server, page) -> None:
    base = live_server.url
    seeded = _seed()
    log_in(page, base, seeded["staff"])

    page.goto(base + "/staff")
    expect(page.locator("h1")).to_have_text("Кызматкерлердин столу")
    flags = page.locator("#desk-flags")
    expect(flags).to_contain_text("Базардагы компост")
    expect(flags.locator(".desk-notes")).to_contain_text("Нурлан Даттануучу")
    expect(flags.locator(".desk-notes")).to_contain_text("Жарнама, тажрыйба эмес")
    flags.get_by_role("button", name="Билдирүүнү калтыруу").click()
    page.wait_for_load_state()

    page.goto(base + "/staff")
    expect(page.locator("#desk-flags")).to_contain_text("Бул жерде эч нерсе күтүп турган жок.")
    practices = page.locator("#desk-practices")
    expect(practices).to_contain_text("Мектептердеги күн панелдери")
    practices.get_by_role("button", name="Жарыялоо").click()
    expect(page).to_have_url(f"{base}/practices/{seeded['submitted']}")
    page.goto(base + "/staff")
    expect(page.locator("#desk-practices")).to_contain_text("Бул жерде эч нерсе күтүп турган жок.")

    # The English version of a practice: the switcher offers Kyrgyz first.
    page.goto(f"{base}/practices/{seeded['en']}")
    switcher = page.locator("nav.language-versions")
    expect(switcher.locator("li > *").first).to_have_attribute("lang", "ky")
    expect(switcher.locator("[aria-current=page]")).to_have_attribute("lang", "en")
    switcher.locator("a[hreflang=ky]").click()
    expect(page).to_have_url(f"{base}/practices/{seeded['ky']}")
    expect(page.locator("h1")).to_contain_text("LED көчө жарыгы")
    expect(page.locator("nav.language-versions [aria-current=page]")).to_have_attribute("lang", "ky")

    # The list counts the practice once, in Kyrgyz.
    page.goto(base + "/practices/")
    expect(page.locator("main")).to_contain_text("LED көчө жарыгы")
    expect(page.locator("main")).not_to_contain_text("LED street lights")
    expect(page.locator("main")).not_to_contain_text("Светодиодные фонари")
