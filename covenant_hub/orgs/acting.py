"""The organisation a person acts for, when they belong to several.

Kept in the session as an id and checked against the person's memberships on every request, so
a membership removed elsewhere stops counting at once. The matchmaker, new practices and forum
posts all ask `acting_org(user)`: the one place "the user's organisation" is decided.
"""

from __future__ import annotations

from flask import g, has_request_context, session

from covenant_hub.accounts.permissions import is_logged_in
from covenant_hub.actors import Actor
from covenant_hub.orgs.models import Membership, Organisation

SESSION_KEY = "acting_org"


def _ordered(user: Actor) -> list[Membership]:
    """Administered organisations first, then by name: the default is the one a person runs."""
    return sorted(user.memberships, key=lambda m: (m.role != "org_admin", m.organisation.name, m.org_id))


def acting_org(user: Actor) -> Organisation | None:
    """The organisation `user` acts for now: the one chosen in this session while it is still
    theirs, else their first (administered first), else None."""
    if not is_logged_in(user) or not user.memberships:
        return None
    memberships = _ordered(user)
    chosen = session.get(SESSION_KEY) if has_request_context() else None
    for membership in memberships:
        if membership.org_id == chosen:
            return membership.organisation
    return memberships[0].organisation


def set_acting_org(user: Actor, org_id: int) -> Organisation | None:
    """Act for `org_id` if the user is a member of it; returns it, or None (nothing changed)."""
    if not is_logged_in(user):
        return None
    for membership in user.memberships:
        if membership.org_id == org_id:
            session[SESSION_KEY] = org_id
            g.pop("acting_org", None)
            return membership.organisation
    return None


def acting_org_id(user: Actor) -> int | None:
    org = acting_org(user)
    return None if org is None else org.id


def ordered_choices(user: Actor, candidates: list[Organisation]) -> list[Organisation]:
    """`candidates` with the acting organisation first, for a form's organisation picker."""
    current = acting_org_id(user)
    return sorted(candidates, key=lambda org: org.id != current)
