"""In the browser: forum pages full of XSS payloads (group name, thread titles, posts, user
names, moderation reasons, notifications) open no JavaScript dialog (the `page` fixture fails
the test on any) and run no injected handler."""

from __future__ import annotations

from datetime import timedelta

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum import moderation, services
from tests.e2e.steps import log_in
from tests.factories import make_group, make_group_member, make_user
from tests.library.xss import XSS_PAYLOADS


def test_forum_pages_with_payloads_fire_nothing(app, live_server, page) -> None:
    old = utcnow() - timedelta(days=10)
    evil = make_user(name="<img src=x onerror=alert(1)>", created_at=old)
    staff = make_user(role="staff", name="Farida Staff", created_at=old)
    group = make_group(title="<svg onload=alert(1)>", description="<script>alert(1)</script>")
    make_group_member(group, evil)
    threads = []
    for number in range(0, len(XSS_PAYLOADS), 10):
        chunk = XSS_PAYLOADS[number : number + 10]
        thread = services.create_thread(evil, group, chunk[0][:300], chunk[0])
        for payload in chunk[1:]:
            services.reply(staff, thread, f"{payload}\n\n@[{evil.name}]")
        moderation.set_locked(staff, thread, False, chunk[-1])
        threads.append(thread.id)
    group_id, staff_email, evil_email = group.id, staff.email, evil.email
    db.session.commit()  # end our transaction: it would hold SQLite's write lock

    for email in (staff_email, evil_email):
        log_in(page, live_server.url, email)
        urls = ["/forum/", f"/forum/g/{group_id}", "/account/notifications", "/forum/log"]
        urls += [f"/forum/t/{thread_id}" for thread_id in threads]
        for url in urls:
            page.goto(live_server.url + url)
            page.wait_for_load_state("load")
            page.mouse.move(200, 300)
    # Quoting a payload puts it in the reply box as plain text, nothing runs.
    page.goto(f"{live_server.url}/forum/t/{threads[0]}")
    page.click(".quote-button")
    assert page.input_value("#reply-form textarea").startswith("> ")
