"""Who may see and change an organisation. Yes/no functions used by views and templates."""

from __future__ import annotations

from covenant_hub.accounts.permissions import is_logged_in, is_staff
from covenant_hub.actors import Actor
from covenant_hub.orgs.models import Organisation


def org_role(user: Actor, org_id: int | None) -> str | None:
    """The user's role in one organisation (`member`, `org_admin`) or None.

    Read from the user's memberships, loaded once per request, so pages that check many
    organisations do not query once per check.
    """
    if not is_logged_in(user) or org_id is None:
        return None
    for membership in user.memberships:
        if membership.org_id == org_id:
            return membership.role
    return None


def admin_org_ids(user: Actor) -> set[int]:
    """The organisations this user administers."""
    if not is_logged_in(user):
        return set()
    return {membership.org_id for membership in user.memberships if membership.role == "org_admin"}


def can_view_org(user: Actor, org: Organisation) -> bool:
    """Approved profiles are public: the directory exists so cities and networks can find each
    other. A pending or refused one is seen by its creator, its members and staff only."""
    if org is None:
        return False
    return org.is_listed or can_see_unlisted_org(user, org)


def can_edit_org(user: Actor, org: Organisation) -> bool:
    """The organisation's own admins, and site staff and admins."""
    if not is_logged_in(user) or org is None:
        return False
    return is_staff(user) or org_role(user, org.id) == "org_admin"


def can_manage_members(user: Actor, org: Organisation) -> bool:
    """Adding or removing people is an org admin's (or staff's) decision, like editing."""
    return can_edit_org(user, org)


def _is_creator(user: Actor, org: Organisation) -> bool:
    return is_logged_in(user) and org.created_by_id is not None and org.created_by_id == user.id


def can_see_unlisted_org(user: Actor, org: Organisation) -> bool:
    """A pending or refused organisation: its creator, its members and staff."""
    if org is None or not is_logged_in(user):
        return False
    return is_staff(user) or _is_creator(user, org) or org_role(user, org.id) is not None


def can_request_membership(user: Actor, org: Organisation) -> bool:
    """Any signed-in person may ask to join a listed organisation, or, as a member, to run it."""
    if org is None or not is_logged_in(user) or not org.is_listed:
        return False
    return org_role(user, org.id) != "org_admin"


def _steward_admin(user: Actor, org: Organisation) -> bool:
    from covenant_hub.orgs.stewards import steward_orgs

    mine = admin_org_ids(user)
    return bool(mine) and any(steward.id in mine for steward in steward_orgs(org.id))


def can_speak_for(user: Actor, org: Organisation) -> bool:
    """Answer for the organisation (membership requests, invitations): its admins; where it has
    no active admin, the admins of its supporter or coordinator, or, failing those, staff."""
    from covenant_hub.orgs.stewards import route_for

    if org is None or not is_logged_in(user):
        return False
    if org_role(user, org.id) == "org_admin":
        return True
    route = route_for(org.id)
    if route == "stewards":
        return _steward_admin(user, org)
    return route == "staff" and is_staff(user)


def can_decide_membership(user: Actor, org: Organisation) -> bool:
    """Accept or refuse a request to join: whoever speaks for the organisation, and staff for an
    organisation without an active admin (a claim is exactly that case)."""
    from covenant_hub.orgs.stewards import has_active_admin

    if can_speak_for(user, org):
        return True
    return org is not None and is_staff(user) and not has_active_admin(org.id)


def can_review_organisations(user: Actor) -> bool:
    """Approve, merge or refuse self-registered organisations: staff."""
    return is_staff(user)


def can_view_audit(user: Actor, org: Organisation) -> bool:
    """The log of an organisation's people: its admins and staff."""
    return can_edit_org(user, org)


def can_act_as(user: Actor, org: Organisation) -> bool:
    """Acting for an organisation (the header switcher): its members and admins."""
    return org is not None and org_role(user, org.id) is not None


def can_contact_org(user: Actor, org: Organisation) -> bool:
    """Anyone with an account may write to an organisation from its profile (never by address)."""
    return org is not None and is_logged_in(user)
