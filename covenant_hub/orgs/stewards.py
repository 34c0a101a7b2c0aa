"""Who answers for an organisation: its active admins, else the admins of its supporter or
coordinator (the networks it is a member of), else staff. Membership requests, invitations and
"ask the owner" are all routed through `route_for` so nobody waits on a profile nobody runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.orgs.models import Membership, Organisation, OrgLink

if TYPE_CHECKING:
    from covenant_hub.accounts.models import User

STEWARD_LINKS = ("supported_by", "coordinated_by")
ROUTES = ("admins", "stewards", "staff")


def active_admins(org_id: int) -> list[User]:
    """The organisation's administrators whose accounts are not disabled."""
    from covenant_hub.accounts.models import User

    rows = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.role == "org_admin", User.disabled_at.is_(None))
        .order_by(User.id)
    )
    return list(rows)


def has_active_admin(org_id: int) -> bool:
    return bool(active_admins(org_id))


def steward_orgs(org_id: int) -> list[Organisation]:
    """The supporters and coordinators this organisation is a member of."""
    rows = db.session.scalars(
        select(Organisation)
        .join(OrgLink, OrgLink.target_id == Organisation.id)
        .where(OrgLink.source_id == org_id, OrgLink.kind.in_(STEWARD_LINKS))
        .order_by(Organisation.name, Organisation.id)
    )
    return list(rows)


def steward_admins(org_id: int) -> list[User]:
    """The active admins of every supporter or coordinator of the organisation."""
    seen: dict[int, User] = {}
    for steward in steward_orgs(org_id):
        for user in active_admins(steward.id):
            seen.setdefault(user.id, user)
    return list(seen.values())


def staff_users() -> list[User]:
    from covenant_hub.accounts.models import User

    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(("staff", "admin")), User.disabled_at.is_(None))
            .order_by(User.id)
        )
    )


def route_for(org_id: int) -> str:
    """`admins` when the organisation runs its profile, else `stewards`, else `staff`."""
    if has_active_admin(org_id):
        return "admins"
    if steward_admins(org_id):
        return "stewards"
    return "staff"


def deciders(org_id: int) -> list[User]:
    """The people a request or an invitation to this organisation goes to."""
    route = route_for(org_id)
    if route == "admins":
        return active_admins(org_id)
    if route == "stewards":
        return steward_admins(org_id)
    return staff_users()


def orgs_spoken_for(user_org_ids: set[int]) -> set[int]:
    """Of the members of the networks in `user_org_ids` (ids the person administers), those with
    no active admin of their own: the person answers for them too."""
    if not user_org_ids:
        return set()
    members = set(
        db.session.scalars(
            select(OrgLink.source_id).where(
                OrgLink.target_id.in_(user_org_ids), OrgLink.kind.in_(STEWARD_LINKS)
            )
        )
    )
    if not members:
        return set()
    run = set(
        db.session.scalars(
            select(Membership.org_id)
            .join(Membership.user)
            .where(Membership.org_id.in_(members), Membership.role == "org_admin")
            .where(Membership.user.has(disabled_at=None))
        )
    )
    return members - run


def answer_route(org: Organisation) -> dict[str, object]:
    """For a page about to send something to `org`: the route and the stewards it would reach."""
    route = route_for(org.id)
    return {"route": route, "stewards": steward_orgs(org.id) if route == "stewards" else []}
