"""Staff review of self-registered organisations: approve, merge into an existing record, or
refuse with a reason. Pending ones are hidden from every public list until approved.

Duplicates are found by name across scripts (both names folded to one Latin key by
`language.names.name_key`, the directory's and search's own), within the same country,
with the distance between coordinates as a tie-breaker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import SequenceMatcher

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.language.names import name_key
from covenant_hub.orgs import notices, permissions
from covenant_hub.orgs.models import Membership, MembershipRequest, Organisation, OrgLink, listed
from covenant_hub.orgs.services import NotAllowed, ProfileError

MAX_REASON = 2000
NAME_THRESHOLD = 0.8
NEAR_KM = 25.0
# Words that say what kind of place it is, not which one ("Osh city" = "город Ош" = "Ош шаары").
GENERIC_WORDS = frozenset(
    "city town village municipality of the gorod goroda shaary shaar aiyl aimagy mehrie "
    "mairie comune gemeinde stadt".split()
)
_GENERIC_KEYS = frozenset(name_key(word) for word in GENERIC_WORDS)  # folded as names are


class ReviewError(ProfileError):
    """A review step the rules refuse; the message is shown to staff."""


@dataclass(frozen=True)
class Duplicate:
    """An existing organisation a pending one may be: how alike the names are, how far apart."""

    org: Organisation
    similarity: float
    km: float | None


def fold_name(name: str) -> str:
    """A name in Latin letters, lower case, without punctuation or generic words."""
    words = [w for w in name_key(name or "").split() if w not in _GENERIC_KEYS]
    return " ".join(words)


def name_similarity(a: str, b: str) -> float:
    fa, fb = fold_name(a), fold_name(b)
    if not fa or not fb:
        return 0.0
    return SequenceMatcher(None, fa, fb).ratio()


def distance_km(a: Organisation, b: Organisation) -> float | None:
    """Great-circle distance, or None when either has no coordinates."""
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def duplicates_of(org: Organisation, limit: int = 5) -> list[Duplicate]:
    """Approved organisations that are probably the same one, best first."""
    query = select(Organisation).where(listed(), Organisation.id != org.id)
    if org.country:
        query = query.where(Organisation.country == org.country)
    found = []
    for other in db.session.scalars(query):
        similarity = name_similarity(org.name, other.name)
        km = distance_km(org, other)
        if similarity >= NAME_THRESHOLD or (km is not None and km <= NEAR_KM and similarity >= 0.5):
            found.append(Duplicate(other, round(similarity, 2), None if km is None else round(km, 1)))
    found.sort(key=lambda d: (-d.similarity, d.km if d.km is not None else math.inf, d.org.id))
    return found[:limit]


def pending_organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.review_state == "pending")
            .order_by(Organisation.created_at, Organisation.id)
        )
    )


def pending_organisation_count() -> int:
    """How many self-registered organisations wait for staff (the staff desk's figure)."""
    query = select(func.count(Organisation.id)).where(Organisation.review_state == "pending")
    return int(db.session.scalar(query) or 0)


def _pending_or_error(user: Actor, org: Organisation) -> None:
    if not permissions.can_review_organisations(user):
        raise NotAllowed(_("You do not have permission to do this."))
    if org.review_state != "pending":
        raise ReviewError(_("This organisation has already been reviewed."))


def _people(org: Organisation) -> list:
    people = {m.user.id: m.user for m in org.memberships}
    if org.created_by_id and org.created_by_id not in people:
        from covenant_hub.accounts.models import User

        creator = db.session.get(User, org.created_by_id)
        if creator is not None:
            people[creator.id] = creator
    return list(people.values())


def _link(org: Organisation) -> str:
    return notices.site_path("orgs.view_profile", external_id=org.external_id)


def approve(user: Actor, org: Organisation) -> Organisation:
    """List the organisation in the directory, search, matching, the API and the sitemap."""
    _pending_or_error(user, org)
    org.review_state = "approved"
    org.review_note = None
    notices.audit(org.id, user, "approve")
    db.session.commit()
    notices.tell(_people(org), "org_approved", user.name, org.name, _link(org))
    return org


def refuse(user: Actor, org: Organisation, reason: str) -> Organisation:
    """Keep it out of the public lists, telling its creator why."""
    _pending_or_error(user, org)
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Say why the organisation is refused."))
    if len(reason) > MAX_REASON:
        raise ReviewError(_("The reason is too long (at most %(num)d characters).", num=MAX_REASON))
    org.review_state = "refused"
    org.review_note = reason
    notices.audit(org.id, user, "refuse", detail=reason)
    db.session.commit()
    notices.tell(_people(org), "org_refused", user.name, reason, _link(org))
    return org


def merge(user: Actor, org: Organisation, into: Organisation) -> Organisation:
    """The pending record is a duplicate of `into`: its people become members of `into` (an
    administrator's place there is asked as a claim, decided as usual) and it is deleted."""
    _pending_or_error(user, org)
    if into is None or into.id == org.id or not into.is_listed:
        raise ReviewError(_("Choose an approved organisation to merge into."))
    people = _people(org)
    admins = {m.user_id for m in org.memberships if m.role == "org_admin"} | {org.created_by_id}
    for person in people:
        if db.session.get(Membership, (person.id, into.id)) is None:
            db.session.add(Membership(user_id=person.id, org_id=into.id, role="member"))
        if person.id in admins:
            db.session.add(
                MembershipRequest(
                    user_id=person.id,
                    org_id=into.id,
                    role="org_admin",
                    message=_("Registered “%(name)s”, merged by staff.", name=org.name),
                    routed_to=_route(into.id),
                )
            )
    _move_references(org.id, into.id)
    notices.audit(into.id, user, "merge", detail=f"{org.external_id} {org.name}")
    db.session.delete(org)
    db.session.commit()
    notices.tell(people, "org_merged", user.name, into.name, _link(into))
    return into


def _route(org_id: int) -> str:
    from covenant_hub.orgs.stewards import route_for

    return route_for(org_id)


def _move_references(old_id: int, new_id: int) -> None:
    """Point every other table's reference at the surviving record (links are dropped: a
    pending organisation's links were its own claims, not facts staff checked)."""
    skip = {"memberships", "org_links", "membership_requests", "organisations"}
    db.session.execute(
        OrgLink.__table__.delete().where((OrgLink.source_id == old_id) | (OrgLink.target_id == old_id))
    )
    db.session.execute(
        update(MembershipRequest).where(MembershipRequest.org_id == old_id).values(org_id=new_id)
    )
    for table in db.metadata.sorted_tables:
        if table.name in skip:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "organisations" and fk.column.name == "id":
                db.session.execute(table.update().where(fk.parent == old_id).values({fk.parent.name: new_id}))
