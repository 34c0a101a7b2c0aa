"""Joining and claiming organisations, deciding requests, and managing members and roles.

Each step takes the acting user, checks the permission and the state, commits with an audit
row, then tells the people concerned (`notices.tell`) in their own language.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.files import ALLOWED_TYPES, safe_filename, sniff_content_type
from covenant_hub.orgs import notices, permissions, stewards
from covenant_hub.orgs.models import MEMBERSHIP_ROLES, Membership, MembershipRequest, Organisation
from covenant_hub.orgs.services import NotAllowed, ProfileError
from covenant_hub.storage import StoredFile, get_store

if TYPE_CHECKING:
    from covenant_hub.accounts.models import User

MAX_MESSAGE = 2000


class MembershipError(ProfileError):
    """A request or a change of members the rules refuse; the message is shown to the user."""


class EvidenceTooLarge(MembershipError):
    status = 413


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("You do not have permission to do this."))


def org_domains(org: Organisation) -> set[str]:
    """The domains an official address of the organisation ends in: its e-mail domain, its website's."""
    domains = set()
    if org.email_domain:
        domains.add(org.email_domain.strip().lower().lstrip("@"))
    if org.website:
        host = (urlsplit(org.website).hostname or "").lower()
        domains.add(host.removeprefix("www."))
    return {d for d in domains if "." in d}


def email_on_domain(user: Actor, org: Organisation) -> bool:
    """The person's confirmed address is on one of the organisation's domains (or a subdomain)."""
    if not getattr(user, "is_confirmed", False):
        return False
    host = user.email.rsplit("@", 1)[-1].lower()
    return any(host == d or host.endswith("." + d) for d in org_domains(org))


def request_membership(
    user: Actor,
    org: Organisation,
    role: str,
    message: str,
    document: tuple[str, IO[bytes]] | None = None,
) -> MembershipRequest:
    """Ask to join `org` as member, or to administer it (a claim, which needs evidence)."""
    _require(permissions.can_request_membership(user, org))
    if role not in MEMBERSHIP_ROLES:
        raise MembershipError(_("Choose member or administrator."))
    if role == "member" and permissions.org_role(user, org.id) is not None:
        raise MembershipError(_("You are already a member of this organisation."))
    message = _clean(message)
    if _pending_of(user.id, org.id) is not None:
        raise MembershipError(_("You have already asked; your request is waiting for an answer."))
    request = MembershipRequest(
        user_id=user.id, org_id=org.id, role=role, message=message, routed_to=stewards.route_for(org.id)
    )
    if role == "org_admin":
        _attach_evidence(request, user, org, document)
    db.session.add(request)
    db.session.flush()
    notices.audit(org.id, user, "request_" + role, user.id, message)
    db.session.commit()
    _tell_deciders(request)
    return request


def _clean(message: str | None) -> str:
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise MembershipError(_("The message is too long (at most %(num)d characters).", num=MAX_MESSAGE))
    return message


def _pending_of(user_id: int, org_id: int) -> MembershipRequest | None:
    return db.session.scalar(
        select(MembershipRequest).where(
            MembershipRequest.user_id == user_id,
            MembershipRequest.org_id == org_id,
            MembershipRequest.state == "pending",
        )
    )


def _attach_evidence(
    request: MembershipRequest, user: Actor, org: Organisation, document: tuple[str, IO[bytes]] | None
) -> None:
    """A claim proves itself by an address on the organisation's domain, or by a document."""
    if email_on_domain(user, org):
        request.evidence = "email_domain"
        return
    if document is None:
        raise MembershipError(
            _("To administer this organisation, use an address on its official domain or attach a document.")
        )
    filename, stream = document
    limit = int(current_app.config["ATTACHMENT_MAX_BYTES"])
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise EvidenceTooLarge(_("The file is larger than %(size)s MB.", size=round(limit / 1_048_576, 1)))
    content_type = sniff_content_type(data[:16])
    if not data or content_type is None:
        raise MembershipError(_("Only PDF, PNG, JPEG, GIF and WebP files can be attached."))
    stored = f"{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type]}"
    get_store().save(EVIDENCE_AREA, stored, data, content_type)
    request.evidence = "document"
    request.evidence_file = stored
    request.evidence_name = safe_filename(filename, content_type)


EVIDENCE_AREA = "evidence"  # the claims' documents in the file store (covenant_hub/storage.py)


def open_evidence(request: MembershipRequest) -> StoredFile | None:
    """A claim's document from the file store (shared by every node); stored names are ours."""
    if not request.evidence_file:
        return None
    return get_store().open(EVIDENCE_AREA, Path(request.evidence_file).name)


def _requests_link(org: Organisation) -> str:
    return notices.site_path("orgs.list_requests", external_id=org.external_id)


def _tell_deciders(request: MembershipRequest) -> None:
    org, user = request.organisation, request.user
    kind = "org_claim_asked" if request.role == "org_admin" else "org_join_asked"
    notices.tell(stewards.deciders(org.id), kind, user.name, org.name, _requests_link(org))
    notices.tell([user], "org_join_sent", route_label(request.routed_to), org.name, _profile_link(org))


def route_label(route: str) -> str:
    """Who a request went to, in the reader's language."""
    return {
        "admins": _("its administrators"),
        "stewards": _("its supporter or coordinator"),
        "staff": _("Covenant Hub staff"),
    }[route]


def _profile_link(org: Organisation) -> str:
    return notices.site_path("orgs.view_profile", external_id=org.external_id)


def decide(user: Actor, request: MembershipRequest, accept: bool, reason: str = "") -> MembershipRequest:
    """Accept (the person joins with the asked role) or refuse, with a reason."""
    org = request.organisation
    _require(permissions.can_decide_membership(user, org))
    if request.state != "pending":
        raise MembershipError(_("This request has already been answered."))
    request.state = "accepted" if accept else "refused"
    request.reason = _clean(reason)
    request.decided_by_id = user.id
    request.decided_at = utcnow()
    if accept:
        _grant(request.user, org, request.role)
    notices.audit(org.id, user, "accept" if accept else "refuse", request.user_id, request.reason)
    db.session.commit()
    kind = "org_join_ok" if accept else "org_join_no"
    notices.tell([request.user], kind, user.name, org.name, _profile_link(org))
    return request


def _grant(person: User, org: Organisation, role: str) -> None:
    membership = db.session.get(Membership, (person.id, org.id))
    if membership is None:
        db.session.add(Membership(user_id=person.id, org_id=org.id, role=role))
    elif role == "org_admin":
        membership.role = "org_admin"


def pending_requests(org: Organisation) -> list[MembershipRequest]:
    return list(
        db.session.scalars(
            select(MembershipRequest)
            .where(MembershipRequest.org_id == org.id, MembershipRequest.state == "pending")
            .order_by(MembershipRequest.created_at, MembershipRequest.id)
        )
    )


def staff_queue() -> list[MembershipRequest]:
    """Requests waiting on organisations nobody runs, oldest first: what staff may decide."""
    return list(
        db.session.scalars(
            select(MembershipRequest)
            .where(MembershipRequest.state == "pending", MembershipRequest.routed_to != "admins")
            .order_by(MembershipRequest.created_at, MembershipRequest.id)
        )
    )


def pending_claim_count() -> int:
    """How many requests wait on an organisation without an active admin (the staff desk's figure)."""
    query = select(func.count(MembershipRequest.id)).where(
        MembershipRequest.state == "pending", MembershipRequest.routed_to != "admins"
    )
    return int(db.session.scalar(query) or 0)


def members_of(org: Organisation) -> list[Membership]:
    return sorted(org.memberships, key=lambda m: (m.role != "org_admin", m.user.name.lower(), m.user_id))


def _admin_count(org: Organisation) -> int:
    return sum(1 for m in org.memberships if m.role == "org_admin" and m.user.is_active)


def set_role(user: Actor, org: Organisation, person_id: int, role: str) -> Membership:
    """Promote a member to administrator or make an administrator a plain member."""
    _require(permissions.can_manage_members(user, org))
    if role not in MEMBERSHIP_ROLES:
        raise MembershipError(_("Choose member or administrator."))
    membership = _membership_or_error(org, person_id)
    if membership.role == "org_admin" and role != "org_admin" and _admin_count(org) <= 1:
        raise MembershipError(_("The last administrator cannot step down before naming a successor."))
    if membership.role == role:
        return membership
    membership.role = role
    notices.audit(org.id, user, "role_" + role, person_id)
    db.session.commit()
    notices.tell([membership.user], "org_role", user.name, org.name, _profile_link(org))
    return membership


def remove_member(user: Actor, org: Organisation, person_id: int) -> None:
    """An admin removes someone, or a person leaves; the last admin cannot leave alone."""
    leaving = getattr(user, "id", None) == person_id and permissions.org_role(user, org.id) is not None
    _require(leaving or permissions.can_manage_members(user, org))
    membership = _membership_or_error(org, person_id)
    if membership.role == "org_admin" and _admin_count(org) <= 1:
        raise MembershipError(_("The last administrator cannot step down before naming a successor."))
    person = membership.user
    db.session.delete(membership)
    notices.audit(org.id, user, "leave" if leaving else "remove", person_id)
    db.session.commit()
    if not leaving:
        notices.tell([person], "org_removed", user.name, org.name, _profile_link(org))


def _membership_or_error(org: Organisation, person_id: int) -> Membership:
    membership = db.session.get(Membership, (person_id, org.id))
    if membership is None:
        raise MembershipError(_("This person is not a member of the organisation."))
    return membership
