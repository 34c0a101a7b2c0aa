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
    """Profiles are public: the directory exists so cities and networks can find each other."""
    return org is not None


def can_edit_org(user: Actor, org: Organisation) -> bool:
    """The organisation's own admins, and site staff and admins."""
    if not is_logged_in(user) or org is None:
        return False
    return is_staff(user) or org_role(user, org.id) == "org_admin"


def can_manage_members(user: Actor, org: Organisation) -> bool:
    """Adding or removing people is an org admin's (or staff's) decision, like editing."""
    return can_edit_org(user, org)


def can_contact_org(user: Actor, org: Organisation) -> bool:
    """Anyone with an account may write to an organisation from its profile (never by address)."""
    return org is not None and is_logged_in(user)
