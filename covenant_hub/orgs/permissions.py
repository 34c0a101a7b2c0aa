"""Who may see and change an organisation. Yes/no functions used by views and templates."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.orgs.models import Membership, Organisation


def _is_user(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _org_role(user: Any, org: Organisation) -> str | None:
    return db.session.scalar(
        select(Membership.role).where(Membership.user_id == user.id, Membership.org_id == org.id)
    )


def can_view_org(user: Any, org: Organisation) -> bool:
    """Profiles are public: the directory exists so cities and networks can find each other."""
    return org is not None


def can_edit_org(user: Any, org: Organisation) -> bool:
    """The organisation's own admins, and site staff and admins."""
    if not _is_user(user) or org is None:
        return False
    if getattr(user, "is_staff", False):
        return True
    return _org_role(user, org) == "org_admin"


def can_manage_members(user: Any, org: Organisation) -> bool:
    """Adding or removing people is an org admin's (or staff's) decision, like editing."""
    return can_edit_org(user, org)
