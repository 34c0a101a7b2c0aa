"""In the browser, as new users would: a Kyrgyz practice is written, submitted and published;
another member asks its owner about it and @mentions the author, who sees the notification;
a moderator merges two threads and locks one. Any JavaScript dialog fails the test."""

from __future__ import annotations

from datetime import timedelta

from covenant_hub.accounts.models import User
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum.models import Group
from tests.e2e.steps import log_in
from tests.factories import make_group, make_group_member, make_org, make_thread, make_user


def test_practice_question_mention_and_moderation(app, live_server, page) -> None:
    base = live_server.url
    old = utcnow() - timedelta(days=10)
    town = make_org(name="Токмок шаары", population=60_000)
    author = make_user(org=town, name="Айгүл Асанова", language="ky", created_at=old)
    asker = make_user(org=make_org(name="Naryn"), name="Bakyt Jumabaev", language="en", created_at=old)
    staff = make_user(role="staff", name="Farida Staff", created_at=old)
    moderator = make_user(name="Elmira Moderator", created_at=old)
    group = make_group(title="Шаардык энергетика форуму", language="ky")
    make_group_member(group, moderator, moderator=True)
    make_group_member(group, asker)
    emails = {
        name: user.email
        for name, user in [("author", author), ("asker", asker), ("staff", staff), ("moderator", moderator)]
    }
    group_id, asker_id = group.id, asker.id
    # Reading expired attributes opens a transaction, which in this process starts IMMEDIATE:
    # end it, or the server would wait on our write lock.
    db.session.commit()

    # The author writes a practice in Kyrgyz and submits it.
    log_in(page, base, emails["author"])
    page.goto(base + "/practices/new")
    page.fill("input[name=title]", "Мектептердин чатырларын жылуулоо")
    page.select_option("select[name=language]", "ky")
    page.fill("textarea[name=summary]", "Токмоктун төрт мектебинде жылуулук жоготуусу азайды.")
    page.fill("textarea[name=body]", "Биз **чатырларды** жылуулап, жылуулуктун 30 % үнөмдөдүк.")
    page.click("form.practice-form [type=submit]")
    practice_url = page.url
    assert "/practices/" in practice_url and "Мектептердин чатырларын жылуулоо" in page.inner_text("main")
    page.click("form[action$='/submit'] [type=submit]")

    # Staff publish it.
    log_in(page, base, emails["staff"])
    page.goto(practice_url)
    page.click("form[action$='/publish'] [type=submit]")
    page.wait_for_load_state()

    # Another member asks the owner, mentioning the author.
    log_in(page, base, emails["asker"])
    page.goto(practice_url)
    page.click("a[href*='/forum/ask/']")
    assert "@[Айгүл Асанова]" in page.input_value("textarea[name=body]")
    page.fill("input[name=title]", "Чатырды кантип жылуулагансыздар?")
    page.fill("textarea[name=body]", "@[Айгүл Асанова] кайсы материалды колдондуңуз? Баасы канча болду?")
    page.click("#thread-form [type=submit]")
    page.wait_for_selector("article.post")
    question_url = page.url.split("#")[0]
    assert "кайсы материалды колдондуңуз" in page.inner_text("main")
    # Quoting fills the reply box (static/js/forum.js); the draft is autosaved and restored.
    page.click(".quote-button")
    assert page.input_value("#reply-form textarea").startswith("> **Bakyt Jumabaev**:\n> @[Айгүл Асанова]")
    page.locator("#body-status", has_text="Draft saved").wait_for()
    page.goto(question_url)
    assert page.input_value("#reply-form textarea").startswith("> **Bakyt Jumabaev**:")
    page.goto(practice_url)
    assert "Чатырды кантип жылуулагансыздар?" in page.inner_text("#discussions")

    # The author sees the notification (badge in the navigation, then the page).
    log_in(page, base, emails["author"])
    assert page.locator("nav .badge").inner_text() == "1"
    page.click("nav a[href='/account/notifications']")
    notice = page.inner_text("main")
    assert "Bakyt Jumabaev" in notice and "Чатырды кантип жылуулагансыздар?" in notice
    page.click("main a[href*='/forum/t/']")
    assert page.url.split("#")[0] == question_url

    # A moderator merges a duplicate into the question, then locks it.
    duplicate = make_thread(
        db.session.get(Group, group_id),
        db.session.get(User, asker_id),
        posts=1,
        title="Чатыр жылуулоо (кайталанма)",
    )
    duplicate_id = duplicate.id
    db.session.commit()
    log_in(page, base, emails["moderator"])
    page.goto(question_url)
    page.fill("input[name=other_id]", str(duplicate_id))
    page.click("form[action$='/merge'] [type=submit]")
    page.wait_for_load_state()
    assert page.locator("article.post").count() == 2
    page.click("form[action$='/lock'] [type=submit]")
    page.wait_for_load_state()
    assert page.locator("main .badge-warn").first.is_visible()
    assert page.locator("#reply-form").count() == 1  # moderators may still write in a locked thread
    assert page.goto(f"{base}/forum/t/{duplicate_id}").status == 404  # merged away

    # The asker now finds it locked.
    log_in(page, base, emails["asker"])
    page.goto(question_url)
    assert page.locator("#reply-form").count() == 0
