"""Every state-changing route, tried with the ids of other people's records by someone logged in
without a role on them: only the routes open to anybody (own profile, applying, joining) write."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import event

from covenant_hub.extensions import db
from tests.security.test_csrf_everywhere import unsafe_routes
from tests.security.world import SecurityWorld
from tests.sessions import login

# What any logged-in person may do to their own account, or to ask for something.
OPEN_TO_ANYONE = {
    "accounts.logout",
    "accounts.profile",
    "accounts.change_password",
    "site.set_language",
    "notifications.mark_read",
    "forum.join_group",
    "forum.leave_group",
    "programme.apply",
    "events.subscribe",
    "accounts.register",
    "accounts.forgot_password",
    "accounts.resend_confirmation",
    "accounts.login",
    "forum.save_draft",
    "orgs.join_org",  # asking to join or claim: the organisation's deciders answer
}
# Plausible form fields, so a view that forgot its permission check would get far enough to write.
FORM = {
    "body": "Outsider text",
    "title": "Outsider title",
    "text": "Outsider need",
    "reason": "spam",
    "level": "all",
    "lang": "ru",
    "message": "hi",
    "accept": "y",
    "learned": "x",
    "summary": "s",
    "name": "Outsider",
    "kinds": "supporter",
    "candidates": "1",
    "target": "thread:1",
    "group_id": "1",
    "user_id": "1",
    "decision": "approve",
    "days": "3",
    "until": "2030-01-01",
    "state": "hidden",
}


@pytest.mark.parametrize("who", ["outsider", "other_admin", "other_moderator"])
def test_an_outsider_changes_nothing_that_is_not_theirs(app, client, who):
    """`other_admin` administers another town, `other_moderator` moderates another group."""
    world = SecurityWorld(app)
    routes = unsafe_routes(app, world)
    login(
        client,
        {"outsider": world.outsider, "other_moderator": world.other_moderator}.get(who) or world.users[who],
    )
    db.session.commit()
    current: list[str] = []
    written: dict[str, list[str]] = defaultdict(list)

    def _record(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and current:
            if "search_outbox" not in statement and "ratelimit" not in statement:
                written[current[0]].append(statement[:90])

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        for endpoint, method, url in routes:
            if endpoint in OPEN_TO_ANYONE:
                continue
            current[:] = [endpoint]
            client.open(url, method=method, data=FORM)
            db.session.rollback()
        # One route open to anybody, in this same session: it must write, or a lost login or a
        # deaf recorder would make every refusal above look like one.
        current[:] = ["forum.join_group"]
        client.post(f"/forum/g/{world.group.id}/join", data=FORM)
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)
    assert written.pop("forum.join_group", []), "joining a group wrote nothing"
    assert dict(written) == {}
