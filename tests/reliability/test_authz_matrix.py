"""The authorisation matrix: every state-changing rule in app.url_map, tried by an anonymous
visitor, a member without a role on the target, the admin of another organisation and the
moderator of another group. A success is a request that wrote to the database; only the routes
in ALLOWED may write for a role, each with the reason. A new route is covered by itself."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import event

from covenant_hub.extensions import db
from tests.orgs.helpers import login
from tests.security.test_csrf_everywhere import unsafe_routes
from tests.security.test_outsider_posts import FORM
from tests.security.world import SecurityWorld

ROLES = ("anonymous", "member", "other_org_admin", "other_group_moderator")
_OWN_ACCOUNT = "acts on the signed-in person's own account or settings"
_ANYONE = {
    "site.set_language": "the language choice is stored for whoever asks",
    "accounts.register": "anyone may create an account",
    "accounts.login": "anyone may try to log in (failures are recorded for the rate limit)",
    "accounts.forgot_password": "anyone may ask for a reset mail (rate-limited)",
    "accounts.resend_confirmation": "anyone may ask for the confirmation mail again",
    "events.subscribe": "anyone may subscribe to the newsletter (double opt-in)",
}
_SIGNED_IN = {
    "accounts.logout": _OWN_ACCOUNT, "accounts.profile": _OWN_ACCOUNT,
    "accounts.change_password": _OWN_ACCOUNT, "notifications.mark_read": _OWN_ACCOUNT,
    "forum.save_draft": _OWN_ACCOUNT,
    "forum.join_group": "a signed-in person may join an open group or ask to join a closed one",
    "forum.leave_group": "anyone may leave a group",
    "programme.apply": "any signed-in person may file an expression of interest for their network",
}  # fmt: skip
ALLOWED: dict[str, dict[str, str]] = {
    "anonymous": _ANYONE,
    "member": {**_ANYONE, **_SIGNED_IN},
    "other_org_admin": {**_ANYONE, **_SIGNED_IN},
    "other_group_moderator": {**_ANYONE, **_SIGNED_IN},
}


def _login_as(client, world: SecurityWorld, role: str) -> None:
    people = {"member": world.outsider, "other_org_admin": world.users["other_admin"],
              "other_group_moderator": world.other_moderator}  # fmt: skip
    if role != "anonymous":
        login(client, people[role])


@pytest.mark.parametrize("role", ROLES)
def test_no_role_changes_state_on_a_route_not_allowed_to_it(app, client, role):
    world = SecurityWorld(app)
    routes = unsafe_routes(app, world)
    _login_as(client, world, role)
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
            if endpoint in ALLOWED[role]:
                continue
            current[:] = [endpoint]
            response = client.open(url, method=method, data=FORM)
            assert response.status_code < 500, (endpoint, response.status_code)
            db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)
    assert dict(written) == {}


def test_every_allowed_route_exists_and_is_state_changing(app):
    world = SecurityWorld(app)
    endpoints = {endpoint for endpoint, _method, _url in unsafe_routes(app, world)}
    for role, allowed in ALLOWED.items():
        assert set(allowed) <= endpoints, role
