"""The permission matrix: every role against every action, through HTTP, on a members-only group.

Each case checks what changed in the database, not only the status code, so an action that
answers 200 but writes nothing (or 403 after writing) fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.forum import permissions as perm
from covenant_hub.forum.models import Flag, GroupMember, ModerationLog, Post, PostRevision, Suspension, Thread
from tests.factories import make_thread
from tests.forum.conftest import ROLES
from tests.sessions import login

ALLOWED = {
    "view": {"member", "moderator", "staff", "admin"},
    "join": {"nonmember", "other_moderator", "staff", "admin"},
    "post": {"member", "moderator", "staff", "admin"},
    "edit": {"moderator", "staff", "admin"},
    "pin": {"moderator", "staff", "admin"},
    "lock": {"moderator", "staff", "admin"},
    "move": {"moderator", "staff", "admin"},
    "merge": {"moderator", "staff", "admin"},
    "split": {"moderator", "staff", "admin"},
    "hide": {"moderator", "staff", "admin"},
    "delete": {"moderator", "staff", "admin"},
    "restore": {"moderator", "staff", "admin"},
    "flag": {"member", "moderator", "staff", "admin"},
    "suspend": {"moderator", "staff", "admin"},
}


def _count(model: Any, *where: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _first_post(thread: Thread) -> Post:
    return db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.id)).first()


def _view(client, world, thread) -> bool:
    response = client.get(f"/forum/t/{thread.id}")
    return response.status_code == 200 and "Street lights in Karakol" in response.text


def _join(client, world, thread) -> bool:
    client.post(f"/forum/g/{world.closed.id}/join")
    return _count(GroupMember, GroupMember.group_id == world.closed.id) > 3


def _post(client, world, thread) -> bool:
    client.post(f"/forum/t/{thread.id}/reply", data={"body": "A new reply"})
    return _count(Post, Post.thread_id == thread.id) == 4


def _edit(client, world, thread) -> bool:
    post = _first_post(thread)
    client.post(f"/forum/p/{post.id}/edit", data={"body": "Changed text"})
    return _count(PostRevision, PostRevision.post_id == post.id) == 1


def _toggle(flag: str) -> Callable[..., bool]:
    def run(client, world, thread) -> bool:
        client.post(f"/forum/t/{thread.id}/{flag}")
        db.session.expire_all()
        return getattr(db.session.get(Thread, thread.id), "is_pinned" if flag == "pin" else "is_locked")

    return run


def _move(client, world, thread) -> bool:
    client.post(f"/forum/t/{thread.id}/move", data={"group_id": world.public.id, "reason": "Better there"})
    db.session.expire_all()
    return db.session.get(Thread, thread.id).group_id == world.public.id


def _merge(client, world, thread) -> bool:
    other = make_thread(world.closed, world.users["member"], posts=2)
    client.post(f"/forum/t/{thread.id}/merge", data={"other_id": other.id})
    return _count(Post, Post.thread_id == thread.id) == 5


def _split(client, world, thread) -> bool:
    post = _first_post(thread)
    client.post(f"/forum/t/{thread.id}/split", data={"title": "Split out", "post_ids": [str(post.id)]})
    return _count(Thread, Thread.title == "Split out") == 1


def _state(action: str, start: str, expected: str) -> Callable[..., bool]:
    def run(client, world, thread) -> bool:
        post = _first_post(thread)
        post.state = start
        db.session.commit()
        client.post(f"/forum/p/{post.id}/{action}", data={"reason": "Off topic"})
        db.session.expire_all()
        return db.session.get(Post, post.id).state == expected

    return run


def _flag(client, world, thread) -> bool:
    post = _first_post(thread)
    client.post(f"/forum/p/{post.id}/flag", data={"reason": "spam"})
    return _count(Flag, Flag.post_id == post.id) == 1


def _suspend(client, world, thread) -> bool:
    target = world.users["author"]
    client.post(
        f"/forum/g/{world.closed.id}/suspend", data={"email": target.email, "days": "3", "reason": "Rude"}
    )
    return _count(Suspension, Suspension.user_id == target.id) == 1


ACTIONS: dict[str, Callable[..., bool]] = {
    "view": _view,
    "join": _join,
    "post": _post,
    "edit": _edit,
    "pin": _toggle("pin"),
    "lock": _toggle("lock"),
    "move": _move,
    "merge": _merge,
    "split": _split,
    "hide": _state("hide", "visible", "hidden"),
    "delete": _state("delete", "visible", "deleted"),
    "restore": _state("restore", "hidden", "visible"),
    "flag": _flag,
    "suspend": _suspend,
}
MODERATION = {"pin", "lock", "move", "merge", "split", "hide", "delete", "restore", "suspend"}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, closed_thread, role: str, action: str) -> None:
    login(client, world.user(role))
    changed = ACTIONS[action](client, world, closed_thread)
    assert changed == (role in ALLOWED[action]), f"{role} {action}"
    logged = _count(ModerationLog, ModerationLog.actor_id.isnot(None))
    if action in MODERATION and role in ALLOWED[action]:
        assert logged >= 1, "a moderation action must be logged"
    if role not in ALLOWED[action]:
        assert logged == 0


def test_permission_functions_agree_on_the_public_group(world) -> None:
    """Anyone reads a public group; a logged-in non-member may post (open groups admit on the
    first post); only its moderators, staff and admins moderate it."""
    group = world.public
    expected_moderators = {"moderator", "staff", "admin"}
    for role in ROLES:
        user = world.user(role)
        assert perm.can_view_group(user, group)
        assert perm.can_post_in_group(user, group) == (role != "anonymous")
        assert perm.can_moderate(user, group) == (role in expected_moderators), role
        assert perm.can_suspend_site_wide(user) == (role in {"staff", "admin"})
        assert perm.can_manage_groups(user) == (role in {"staff", "admin"})


def test_suspended_member_cannot_post_and_staff_cannot_be_suspended(client, world, closed_thread) -> None:
    from covenant_hub.forum import moderation
    from covenant_hub.forum.errors import ForumError

    moderation.suspend(world.users["moderator"], world.users["member"], world.closed, 2, "Spam")
    assert not perm.can_reply(world.users["member"], closed_thread)
    assert perm.can_reply(world.users["member"], make_thread(world.public, world.users["author"]))
    with pytest.raises(ForumError):
        moderation.suspend(world.users["moderator"], world.users["staff"], world.closed, 2, "No")


def test_site_wide_suspension_is_staff_only(world) -> None:
    from covenant_hub.forum import moderation
    from covenant_hub.forum.errors import NotAllowed

    with pytest.raises(NotAllowed):
        moderation.suspend(world.users["moderator"], world.users["member"], None, 2, "Spam")
    moderation.suspend(world.users["staff"], world.users["member"], None, 2, "Spam")
    assert not perm.can_post_in_group(world.users["member"], world.public)
    assert not perm.can_post_in_group(world.users["member"], world.other)
