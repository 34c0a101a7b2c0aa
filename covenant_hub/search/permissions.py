"""Who may see which search results: the audiences a viewer belongs to.

Documents carry audiences (see :mod:`covenant_hub.search.documents`); a viewer sees a
document when the two share one. Computed once per search with two small queries.
"""

from __future__ import annotations

from sqlalchemy import select

from covenant_hub.accounts.permissions import is_logged_in, is_staff
from covenant_hub.actors import Actor
from covenant_hub.extensions import db


def audiences_for(user: Actor) -> tuple[str, ...]:
    """``public`` for everyone; a member adds their user, organisations and groups."""
    from covenant_hub.forum.models import GroupMember, GroupModerator
    from covenant_hub.orgs.models import Membership

    if not is_logged_in(user):
        return ("public",)
    found = ["public", f"user:{user.id}"]
    if is_staff(user):
        found.append("staff")
    orgs = db.session.scalars(select(Membership.org_id).where(Membership.user_id == user.id))
    found += [f"org:{org_id}" for org_id in orgs]
    member = select(GroupMember.group_id).where(
        GroupMember.user_id == user.id, GroupMember.status == "member"
    )
    moderated = select(GroupModerator.group_id).where(GroupModerator.user_id == user.id)
    groups = set(db.session.scalars(member)) | set(db.session.scalars(moderated))
    found += [f"group:{group_id}" for group_id in sorted(groups)]
    return tuple(found)


def may_see(audiences: tuple[str, ...], document_audience: tuple[str, ...]) -> bool:
    """The rule the index applies, for code that checks one document by hand (fallback)."""
    return bool(set(audiences) & set(document_audience))
