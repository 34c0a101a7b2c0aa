"""XSS: payloads in group names and descriptions, thread titles, post bodies, user names,
moderation reasons and notification subjects produce no live script on any forum page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.forum import moderation, services
from covenant_hub.forum.models import Post
from tests.factories import make_group, make_group_member, make_practice, make_user
from tests.library.xss import XSS_PAYLOADS, assert_no_live_script
from tests.sessions import login


def test_there_are_at_least_fifty_payloads() -> None:
    assert len(XSS_PAYLOADS) >= 50


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_harmless_on_every_forum_page(client, world, payload: str) -> None:
    evil = make_user(name=payload[:120])
    group = make_group(title=payload[:200], description=payload)
    make_group_member(group, evil)
    practice = make_practice(title="Practice")
    thread = services.create_thread(evil, group, payload[:300] or "x", payload, practice_id=practice.id)
    services.reply(world.users["member"], thread, f"{payload}\n\n@[{payload[:100]}]")
    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.id)).first()
    services.edit_post(evil, post, payload + " (edited)")
    moderation.flag_post(world.users["member"], post, payload)
    staff = world.users["staff"]
    moderation.set_locked(staff, thread, True, payload)
    second = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id).order_by(Post.id.desc())
    ).first()
    moderation.set_post_state(staff, second, "hidden", payload)
    pages = [
        (staff, "/forum/"),
        (staff, f"/forum/g/{group.id}"),
        (staff, f"/forum/t/{thread.id}"),
        (staff, f"/forum/p/{post.id}/edit"),
        (staff, f"/forum/p/{post.id}/history"),
        (staff, f"/forum/g/{group.id}/moderation"),
        (staff, "/forum/flags"),
        (staff, "/forum/log"),
        (None, f"/forum/t/{thread.id}"),
        (None, f"/practices/{practice.id}"),
        (evil, "/account/notifications"),
        (evil, f"/forum/t/{thread.id}"),
        (evil, f"/forum/ask/{practice.id}"),
    ]
    for user, url in pages:
        login(client, user)
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_live_script(response.text)
