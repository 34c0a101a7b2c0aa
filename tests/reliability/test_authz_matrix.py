"""The authorisation matrix: every state-changing rule in app.url_map, tried by an anonymous
visitor, a member without a role on the target, the admin of another organisation and the
moderator of another group. A success is a request that wrote to the database; only the routes
in ALLOWED may write for a role, each with the reason. A new route is covered by itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event

from covenant_hub.extensions import db
from tests.security.test_csrf_everywhere import unsafe_routes
from tests.security.test_outsider_posts import FORM
from tests.security.world import SecurityWorld
from tests.sessions import login

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
    "mail_settings.edit_preferences": _OWN_ACCOUNT,
    "forum.save_draft": _OWN_ACCOUNT,
    "forum.join_group": "a signed-in person may join an open group or ask to join a closed one",
    "forum.leave_group": "anyone may leave a group",
    "programme.apply": "any signed-in person may file an expression of interest for their network",
    "orgs.join_org": "anyone signed in may ask to join or claim an organisation; its deciders answer",
    "orgs.contact_org": "any signed-in person may write to an organisation from its profile (rate-limited)",
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


@dataclass
class MatrixRun:
    """One role's pass over the state-changing routes."""

    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    written: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def run_matrix(app, client, role: str, world: SecurityWorld | None = None) -> MatrixRun:
    """Every state-changing route not allowed to ``role``, sent by ``role`` (CSRF off, as in
    every in-process test); what wrote to the database and what answered 5xx. Also run by
    bench/authz_matrix.py."""
    world = world or SecurityWorld(app)
    routes = unsafe_routes(app, world)
    _login_as(client, world, role)
    db.session.commit()
    current: list[str] = []
    seen = MatrixRun()

    def _record(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and current:
            if "search_outbox" not in statement and "ratelimit" not in statement:
                seen.written[current[0]].append(statement[:90])

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        for endpoint, method, url in routes:
            if endpoint in ALLOWED[role]:
                continue
            current[:] = [endpoint]
            response = client.open(url, method=method, data=FORM)
            seen.requests += 1
            if response.status_code >= 500:
                seen.server_errors.append(f"{endpoint}: {response.status_code}")
            db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)
    return seen


@pytest.mark.parametrize("role", ROLES)
def test_no_role_changes_state_on_a_route_not_allowed_to_it(app, client, role):
    seen = run_matrix(app, client, role)
    assert seen.server_errors == []
    assert dict(seen.written) == {}


def test_every_allowed_route_exists_and_is_state_changing(app):
    world = SecurityWorld(app)
    endpoints = {endpoint for endpoint, _method, _url in unsafe_routes(app, world)}
    for role, allowed in ALLOWED.items():
        assert set(allowed) <= endpoints, role
