"""Who may file, see, invite, answer and follow up on match requests. Yes/no functions.

A request's proposals say what a city is looking for and whom it considers: only that
organisation's admins and site staff see them. Invitations are answered by the invited
organisation's admins alone: staff watch the workflow but never speak for an organisation.
"""

from __future__ import annotations

from covenant_hub.accounts.permissions import is_staff
from covenant_hub.actors import Actor
from covenant_hub.matching.models import Invitation, MatchRequest
from covenant_hub.orgs.models import Organisation
from covenant_hub.orgs.permissions import admin_org_ids, can_speak_for, org_role  # noqa: F401  (admin_org_ids: used by matching views)


def is_org_admin(user: Actor, org_id: int) -> bool:
    return org_role(user, org_id) == "org_admin"


def can_file_request(user: Actor, org: Organisation | None) -> bool:
    """An organisation's own admins, and staff helping it."""
    if org is None:
        return False
    return is_staff(user) or is_org_admin(user, org.id)


def can_view_request(user: Actor, request: MatchRequest | None) -> bool:
    """The requester's admins and staff: plain members do not see whom their city considers."""
    if request is None:
        return False
    return is_staff(user) or is_org_admin(user, request.org_id)


def can_invite(user: Actor, request: MatchRequest | None) -> bool:
    return can_view_request(user, request) and request is not None and request.state == "open"


def can_refresh_proposals(user: Actor, request: MatchRequest | None) -> bool:
    return can_invite(user, request)


def can_close_request(user: Actor, request: MatchRequest | None) -> bool:
    """Closing stops new invitations; answers to ones already sent still count."""
    return can_invite(user, request)


def can_view_invitation(user: Actor, invitation: Invitation | None) -> bool:
    """Both sides' admins and staff."""
    if invitation is None:
        return False
    return (
        is_staff(user)
        or is_org_admin(user, invitation.invitee_id)
        or is_org_admin(user, invitation.request.org_id)
        or can_speak_for(user, invitation.invitee)
    )


def can_answer_invitation(user: Actor, invitation: Invitation | None) -> bool:
    """Whoever speaks for the invited organisation (its admins; where it has none, its supporter's
    or coordinator's admins, or else staff), and only while it waits for an answer."""
    if invitation is None or invitation.state != "pending":
        return False
    return can_speak_for(user, invitation.invitee)


def can_record_outcome(user: Actor, invitation: Invitation | None) -> bool:
    """Either side's admins, once the invitation became an exchange."""
    if invitation is None or invitation.state != "accepted":
        return False
    return is_org_admin(user, invitation.invitee_id) or is_org_admin(user, invitation.request.org_id)


def can_view_staff_list(user: Actor) -> bool:
    return is_staff(user)


def can_view_recommendations(user: Actor, org: Organisation | None) -> bool:
    """Any member of the organisation, and staff."""
    if org is None:
        return False
    return is_staff(user) or org_role(user, org.id) is not None
