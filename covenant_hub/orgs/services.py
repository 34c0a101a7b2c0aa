"""Organisation queries and changes used by views, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import func, select

from covenant_hub import errors
from covenant_hub.actors import Actor
from covenant_hub.errors import DomainError
from covenant_hub.extensions import db
from covenant_hub.orgs.models import UNDIRECTED_LINK_KINDS, Organisation, OrgLink, listed
from covenant_hub.orgs.permissions import can_edit_org

if TYPE_CHECKING:
    from covenant_hub.accounts.models import User

#: The id prefix of organisations registered on the hub itself (not imported).
REGISTERED_PREFIX = "hub-"


@dataclass(frozen=True)
class DataSource:
    """Where an organisation's record comes from, and when it was recorded and last changed."""

    kind: str  # "gcom" (the JRC's GCoM dataset), "registered" (on the hub), "sample", "imported"
    recorded: date | None
    updated: date | None


def data_source(org: Organisation) -> DataSource:
    """Read from the record's id (GCoM imports and registrations each have their own prefix)."""
    from covenant_hub.orgs.gcom import ID_PREFIX

    if org.is_sample:
        kind = "sample"
    elif org.external_id.startswith(ID_PREFIX):
        kind = "gcom"
    elif org.external_id.startswith(REGISTERED_PREFIX):
        kind = "registered"
    else:
        kind = "imported"
    return DataSource(kind, _day(org.created_at), _day(org.updated_at))


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


def directory_counts() -> dict[str, int]:
    """How many organisations of each kind the directory holds."""
    rows = db.session.execute(
        select(Organisation.kind, func.count()).where(listed()).group_by(Organisation.kind)
    ).all()
    return {kind: count for kind, count in rows}


def create_member_organisation(user: User, *, name: str, kind: str, country: str | None) -> Organisation:
    """Register a new organisation on behalf of `user`, who becomes its org admin.

    It starts as an `applicant` whose review is `pending`: only its creator and staff see it
    until staff approve, merge or refuse it (orgs.review). The caller owns the commit, so a
    registration that fails later leaves no stray organisation.
    """
    import uuid

    from covenant_hub.orgs.models import Membership

    org = Organisation(
        external_id=f"{REGISTERED_PREFIX}{uuid.uuid4().hex[:12]}",
        kind=kind,
        name=name.strip(),
        country=(country or "").lower() or None,
        status="applicant",
        review_state="pending",
        created_by=user,
        languages=[user.language] if user.language else [],
        sectors=[],
        commitments=[],
    )
    db.session.add(org)
    db.session.add(Membership(user=user, organisation=org, role="org_admin"))
    return org


class ProfileError(DomainError):
    """A profile change the rules refuse; the message is shown to the user."""


class NotAllowed(ProfileError, errors.NotAllowed):
    """The person may not change this organisation's profile (pages answer 403)."""


@dataclass(frozen=True)
class ProfileChanges:
    """What an org admin may change on their organisation's profile."""

    description: str | None
    needs: str | None
    offers: str | None
    sectors: list[str]
    languages: list[str]
    website: str | None


@dataclass(frozen=True)
class LinkedOrg:
    """Another organisation as seen from a profile: how it is linked, since when, on what."""

    org: Organisation
    kind: str
    since: date | None
    topic: str | None


def get_org(external_id: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.external_id == external_id))


def update_profile(user: Actor, org: Organisation, changes: ProfileChanges) -> None:
    """Apply an edit from the profile form and commit it, if `user` may edit the profile."""
    from covenant_hub.interchange.fields import is_http_url
    from covenant_hub.vocabularies import SECTORS

    if not can_edit_org(user, org):
        raise NotAllowed(_("You do not have permission to do this."))
    if changes.website and not is_http_url(changes.website):
        raise ProfileError("website")
    org.description = _clean_text(changes.description)
    org.needs = _clean_text(changes.needs)
    org.offers = _clean_text(changes.offers)
    org.sectors = [code for code in SECTORS if code in changes.sectors]
    org.languages = list(dict.fromkeys(changes.languages))
    org.website = (changes.website or "").strip() or None
    db.session.commit()


def _clean_text(value: str | None) -> str | None:
    text = (value or "").replace("\r\n", "\n").strip()
    return text or None


MEMBER_LINK = {"supporter": "supported_by", "coordinator": "coordinated_by"}


def member_page(org: Organisation, page: int, per_page: int) -> tuple[list[LinkedOrg], int]:
    """A supporter's or coordinator's members, by name, one page at a time, and their total."""
    kind = MEMBER_LINK.get(org.kind)
    if kind is None:
        return [], 0
    where = (OrgLink.target_id == org.id, OrgLink.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(OrgLink).where(*where)) or 0
    rows = db.session.execute(
        select(Organisation, OrgLink.since, OrgLink.topic)
        .join(OrgLink, OrgLink.source_id == Organisation.id)
        .where(*where)
        .order_by(Organisation.name, Organisation.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return [LinkedOrg(member, kind, since, topic) for member, since, topic in rows], total


def networks_of(org: Organisation) -> list[LinkedOrg]:
    """Who supports and coordinates this organisation."""
    rows = db.session.execute(
        select(Organisation, OrgLink.kind, OrgLink.since, OrgLink.topic)
        .join(OrgLink, OrgLink.target_id == Organisation.id)
        .where(OrgLink.source_id == org.id, OrgLink.kind.in_(tuple(MEMBER_LINK.values())))
        .order_by(OrgLink.kind, Organisation.name)
    ).all()
    return [LinkedOrg(*row) for row in rows]


def partners_of(org: Organisation) -> list[LinkedOrg]:
    """Exchange and twinning partners, whichever side the link was recorded from."""
    outgoing = (
        select(Organisation, OrgLink.kind, OrgLink.since, OrgLink.topic)
        .join(OrgLink, OrgLink.target_id == Organisation.id)
        .where(OrgLink.source_id == org.id, OrgLink.kind.in_(UNDIRECTED_LINK_KINDS))
    )
    incoming = (
        select(Organisation, OrgLink.kind, OrgLink.since, OrgLink.topic)
        .join(OrgLink, OrgLink.source_id == Organisation.id)
        .where(OrgLink.target_id == org.id, OrgLink.kind.in_(UNDIRECTED_LINK_KINDS))
    )
    rows = [*db.session.execute(outgoing).all(), *db.session.execute(incoming).all()]
    return sorted((LinkedOrg(*row) for row in rows), key=lambda item: (item.kind, item.org.name))


def countries_in_directory() -> list[str]:
    """The country codes organisations have, for the directory's filter."""
    return list(
        db.session.scalars(select(Organisation.country).where(Organisation.country.is_not(None)).distinct())
    )
