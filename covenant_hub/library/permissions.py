"""Who may do what with a practice: named yes/no functions used by views, templates and tests.

The rules: members of the owning organisation write drafts; the author and the owner's
org admins edit drafts and submit them; staff, or an org admin of a supporter the owner is
`supported_by`, review (publish or send back); admins may do everything. State rules (you
cannot publish a draft) live in services; these functions only answer "is this person allowed".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from covenant_hub.accounts.permissions import is_admin, is_logged_in, is_staff
from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.orgs.models import OrgLink
from covenant_hub.orgs.permissions import admin_org_ids, org_role

if TYPE_CHECKING:
    from covenant_hub.library.models import Practice
    from covenant_hub.orgs.models import Organisation

PUBLIC_STATES = ("published", "archived")


def supporter_ids_of(org_id: int) -> set[int]:
    """The supporters an organisation is `supported_by`."""
    rows = db.session.scalars(
        select(OrgLink.target_id).where(OrgLink.source_id == org_id, OrgLink.kind == "supported_by")
    )
    return set(rows)


def members_of_supporters(supporter_ids: set[int]) -> set[int]:
    """Organisations supported by any of these supporters."""
    if not supporter_ids:
        return set()
    rows = db.session.scalars(
        select(OrgLink.source_id).where(OrgLink.target_id.in_(supporter_ids), OrgLink.kind == "supported_by")
    )
    return set(rows)


def is_supporter_admin_for(user: Actor, org_id: int) -> bool:
    """True for an org admin of a supporter that supports `org_id`."""
    mine = admin_org_ids(user)
    return bool(mine and mine & supporter_ids_of(org_id))


def can_create_practice(user: Actor, org: Organisation) -> bool:
    """Any member of an organisation may start a draft for it; staff for anyone."""
    return is_staff(user) or org_role(user, org.id) is not None


def _is_owner_editor(user: Actor, practice: Practice) -> bool:
    is_author = practice.author_id is not None and is_logged_in(user) and practice.author_id == user.id
    return is_author or org_role(user, practice.org_id) == "org_admin"


def can_edit_practice(user: Actor, practice: Practice) -> bool:
    """Drafts are edited by their author or the owner's org admins; admins edit anything."""
    if is_admin(user):
        return True
    return practice.state == "draft" and _is_owner_editor(user, practice)


def can_submit_practice(user: Actor, practice: Practice) -> bool:
    """The people who edit a draft are the ones who send it for review."""
    return is_admin(user) or _is_owner_editor(user, practice)


def can_review_practice(user: Actor, practice: Practice) -> bool:
    """Staff, or an org admin of a supporter of the owner, publish and send back."""
    return is_staff(user) or is_supporter_admin_for(user, practice.org_id)


def can_archive_practice(user: Actor, practice: Practice) -> bool:
    """Reviewers retire a practice; so may the owner's org admins, withdrawing their own."""
    return can_review_practice(user, practice) or org_role(user, practice.org_id) == "org_admin"


def can_view_practice(user: Actor, practice: Practice) -> bool:
    """Published (and archived) pages are public; drafts only for the owner and reviewers."""
    if practice.state in PUBLIC_STATES:
        return True
    if is_staff(user) or org_role(user, practice.org_id) is not None:
        return True
    if practice.author_id is not None and is_logged_in(user) and practice.author_id == user.id:
        return True
    return practice.state == "submitted" and is_supporter_admin_for(user, practice.org_id)


def can_link_signatory(user: Actor, practice: Practice, org_id: int) -> bool:
    """Staff link anyone; a supporter's org admin links its own members to their practices."""
    if is_staff(user):
        return True
    mine = admin_org_ids(user)
    if not mine or not (mine & supporter_ids_of(practice.org_id)):
        return False
    return org_id in members_of_supporters(mine)


def can_attach_file(user: Actor, practice: Practice) -> bool:
    """Attachments belong to the write-up, so the editors of the draft add them."""
    return can_edit_practice(user, practice)


def can_see_review_queue(user: Actor) -> bool:
    """Staff and any supporter's org admin have a queue (possibly empty)."""
    if is_staff(user):
        return True
    mine = admin_org_ids(user)
    if not mine:
        return False
    from covenant_hub.orgs.models import Organisation

    kinds = db.session.scalars(select(Organisation.kind).where(Organisation.id.in_(mine)))
    return "supporter" in set(kinds)


def reviewable_org_ids(user: Actor) -> set[int] | None:
    """Organisations whose submissions this user reviews; None means all (staff)."""
    if is_staff(user):
        return None
    return members_of_supporters(admin_org_ids(user))
