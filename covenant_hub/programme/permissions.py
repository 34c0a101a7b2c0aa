"""Who may do what in the supporter programme: yes/no functions for views, services, templates.

Roles: the applicant is the user who filed an application; a supporter's people are its
memberships (plain members and org admins); a member organisation is a signatory or candidate
linked `supported_by` the supporter; staff review, admins sign and suspend.
"""

from __future__ import annotations

from sqlalchemy import select

from covenant_hub.accounts.permissions import is_admin, is_logged_in, is_staff
from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation, OrgLink
from covenant_hub.orgs.permissions import org_role as role_in_org
from covenant_hub.programme.models import SupporterApplication


def org_role(user: Actor, org: Organisation | None) -> str | None:
    """The user's role in `org` ("member", "org_admin") or None."""
    return role_in_org(user, org.id if org is not None else None)


def is_supporter(org: Organisation | None) -> bool:
    return org is not None and org.kind == "supporter"


def is_supported_by(member: Organisation, supporter: Organisation) -> bool:
    """The member organisation is linked `supported_by` the supporter."""
    return (
        db.session.scalar(
            select(OrgLink.id).where(
                OrgLink.source_id == member.id,
                OrgLink.target_id == supporter.id,
                OrgLink.kind == "supported_by",
            )
        )
        is not None
    )


# --- applications -------------------------------------------------------------------------


def can_apply(user: Actor) -> bool:
    """Any confirmed account may file an expression of interest."""
    return is_logged_in(user) and bool(getattr(user, "is_confirmed", True))


def is_applicant(user: Actor, application: SupporterApplication) -> bool:
    return is_logged_in(user) and application.user_id == user.id


def can_view_application(user: Actor, application: SupporterApplication) -> bool:
    """The filer follows their own application; staff see every application."""
    return is_applicant(user, application) or is_staff(user)


def can_review_application(user: Actor) -> bool:
    """Eligibility (accept, reject, ask for more) is decided by CoMO staff."""
    return is_staff(user)


def can_answer_application(user: Actor, application: SupporterApplication) -> bool:
    """Only the filer answers staff's questions."""
    return is_applicant(user, application)


def can_complete_agreement(user: Actor, application: SupporterApplication) -> bool:
    """The network (its filer) fills in the agreement form."""
    return is_applicant(user, application)


def can_record_agreement(user: Actor) -> bool:
    """Only the Commission (admins) records a signed agreement."""
    return is_admin(user)


def can_see_agreement_file(user: Actor, application: SupporterApplication) -> bool:
    return can_view_application(user, application)


# --- live supporters ----------------------------------------------------------------------


def can_manage_services(user: Actor, org: Organisation) -> bool:
    """The supporter's org admins (and staff) decide what it offers."""
    if not is_supporter(org):
        return False
    return is_staff(user) or org_role(user, org) == "org_admin"


def can_log_activity(user: Actor, org: Organisation) -> bool:
    """Anyone working for the supporter (member or org admin), and staff, log its activities."""
    if not is_supporter(org):
        return False
    return is_staff(user) or org_role(user, org) is not None


def can_view_dashboard(user: Actor, org: Organisation) -> bool:
    """The dashboard is internal: the supporter's own people and staff."""
    return can_log_activity(user, org)


def can_view_rankings(user: Actor) -> bool:
    return is_staff(user)


def can_view_audit(user: Actor) -> bool:
    return is_staff(user)


def can_suspend_supporter(user: Actor, org: Organisation) -> bool:
    """Suspension is the Commission's decision."""
    return is_admin(user) and is_supporter(org)


def can_reinstate_supporter(user: Actor, org: Organisation) -> bool:
    return is_admin(user) and is_supporter(org)


# --- official feedback --------------------------------------------------------------------


def can_give_feedback(user: Actor, supporter: Organisation, member: Organisation | None = None) -> bool:
    """The supporter's org admins review its own members (and only them)."""
    if not is_supporter(supporter) or org_role(user, supporter) != "org_admin":
        return False
    return member is None or is_supported_by(member, supporter)


def can_view_feedback(user: Actor, member: Organisation) -> bool:
    """The member's own people and staff see every feedback it received."""
    return is_staff(user) or org_role(user, member) is not None


def can_set_feedback_consent(user: Actor, member: Organisation) -> bool:
    """Making feedback public is the member's own decision, taken by its org admins."""
    return org_role(user, member) == "org_admin"
