"""The staff desk: every pending queue in one place, built from a registry of sections.

A section is a function of (user, limit) returning a `DeskSection` (the count and the first
items, each with its action) or None when the user has no part in that queue. Domains' queues
plug in with `register_section`; the desk page shows them in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from covenant_hub.accounts.models import User
from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum import moderation
from covenant_hub.forum import permissions as forum_perm
from covenant_hub.forum.models import Flag, Group, GroupMember, Suspension
from covenant_hub.library import permissions as library_perm
from covenant_hub.library.queries import review_queue
from covenant_hub.orgs import membership, review
from covenant_hub.orgs import permissions as orgs_perm
from covenant_hub.orgs.models import Organisation
from covenant_hub.programme import permissions as programme_perm
from covenant_hub.programme.models import SupporterApplication
from covenant_hub.programme.models import Suspension as SupporterSuspension
from covenant_hub.vocabularies import country_name

#: Forum suspensions ending within this many days are listed as expiring.
EXPIRING_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class DeskAction:
    """A POST the desk offers inline (with the CSRF token); `reason` adds a required text box."""

    url: str
    label: str
    reason: bool = False
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DeskNote:
    """Who said what and when about an item (a flag: who flagged it, when and why)."""

    who: str
    when: datetime
    text: str


@dataclass(frozen=True)
class DeskItem:
    """One pending thing: what it is, who/when/why, where to handle it, and an inline action."""

    title: str
    url: str
    detail: str = ""
    when: datetime | date | None = None
    actions: tuple[DeskAction, ...] = ()
    notes: tuple[DeskNote, ...] = ()


@dataclass(frozen=True)
class DeskSection:
    """A queue: its name, how many are waiting, the first items and the page with all of them."""

    key: str
    title: str
    count: int
    items: list[DeskItem] = field(default_factory=list)
    queue_url: str | None = None


Section = Callable[[Actor, int], "DeskSection | None"]
_SECTIONS: list[Section] = []


def register_section(section: Section) -> Section:
    """Add a queue to the desk (usable as a decorator); registering twice is a no-op."""
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def desk_sections(user: Actor, limit: int = 5) -> list[DeskSection]:
    """Every registered queue this user takes part in, each with at most `limit` items."""
    found = (section(user, limit) for section in _SECTIONS)
    return [section for section in found if section is not None]


def total_pending(sections: list[DeskSection]) -> int:
    """What the desk's heading counts."""
    return sum(section.count for section in sections)


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


@register_section
def programme_applications(user: Actor, limit: int) -> DeskSection | None:
    """Expressions of interest to review and signed agreements to record."""
    if not programme_perm.can_review_application(user):
        return None
    waiting = ("submitted", "agreement_completed")
    query = select(SupporterApplication).where(SupporterApplication.state.in_(waiting))
    count = _count(query)
    rows = db.session.scalars(
        query.order_by(SupporterApplication.created_at, SupporterApplication.id).limit(limit)
    )
    items = [
        DeskItem(
            title=row.network_name,
            url=url_for("programme.show_application", application_id=row.id),
            detail=_("Agreement to record")
            if row.state == "agreement_completed"
            else _("Expression of interest to review"),
            when=row.updated_at,
        )
        for row in rows
    ]
    return DeskSection("applications", _("Supporter applications"), count, items,
                       url_for("programme.list_applications"))  # fmt: skip


@register_section
def practices_to_review(user: Actor, limit: int) -> DeskSection | None:
    """Submitted practices waiting for a reviewer's decision."""
    if not library_perm.can_see_review_queue(user):
        return None
    queue = review_queue(user)
    items = [
        DeskItem(
            title=practice.title,
            url=url_for("library.show_practice", practice_id=practice.id),
            detail=practice.owner.name if practice.owner else "",
            when=practice.updated_at,
            actions=(DeskAction(url_for("library.publish_practice", practice_id=practice.id), _("Publish")),),
        )
        for practice in queue[:limit]
    ]
    return DeskSection(
        "practices", _("Practices to review"), len(queue), items, url_for("library.review_queue")
    )


def _flag_notes(post_ids: list[int]) -> dict[int, list[DeskNote]]:
    """Who flagged each post, when and why, oldest first."""
    rows = db.session.execute(
        select(Flag.post_id, User.name, Flag.created_at, Flag.reason)
        .join(User, User.id == Flag.user_id)
        .where(Flag.post_id.in_(post_ids or [-1]), Flag.resolved_at.is_(None))
        .order_by(Flag.created_at, Flag.id)
    )
    notes: dict[int, list[DeskNote]] = {}
    for post_id, name, created_at, reason in rows:
        notes.setdefault(post_id, []).append(DeskNote(name, created_at, reason or _("No reason given.")))
    return notes


@register_section
def forum_flags(user: Actor, limit: int) -> DeskSection | None:
    """Flagged posts with who flagged them, when and why; keep or hide inline."""
    if forum_perm.moderated_group_ids(user) == set():
        return None
    queue = moderation.flag_queue(user)
    shown = [post for post, _count in queue[:limit]]
    notes = _flag_notes([post.id for post in shown])
    items = [
        DeskItem(
            title=post.thread.title,
            url=url_for("forum.show_thread", thread_id=post.thread_id) + f"#post-{post.id}",
            detail=post.display_name,
            when=post.created_at,
            notes=tuple(notes.get(post.id, [])),
            actions=(
                DeskAction(url_for("forum.keep_post", post_id=post.id), _("Keep the post")),
                DeskAction(url_for("forum.hide_post", post_id=post.id), _("Hide"), reason=True),
            ),
        )
        for post in shown
    ]
    return DeskSection("flags", _("Flagged posts"), len(queue), items, url_for("forum.flag_queue"))


@register_section
def group_requests(user: Actor, limit: int) -> DeskSection | None:
    """Requests to join a closed group, for staff (moderators see theirs on the group page)."""
    if not forum_perm.can_manage_groups(user):
        return None
    query = (
        select(GroupMember, Group)
        .join(Group, Group.id == GroupMember.group_id)
        .options(joinedload(GroupMember.user))
        .where(GroupMember.status == "pending")
    )
    count = _count(query)
    rows = db.session.execute(query.order_by(GroupMember.created_at).limit(limit)).all()
    items = [
        DeskItem(
            title=member.user.name,
            url=url_for("forum.moderate_group", group_id=group.id),
            detail=group.title,
            when=member.created_at,
            actions=(
                DeskAction(
                    url_for("forum.decide_request", group_id=group.id, user_id=member.user_id),
                    _("Admit"),
                    fields=(("decision", "approve"),),
                ),
            ),
        )
        for member, group in rows
    ]
    return DeskSection("group_requests", _("Requests to join a group"), count, items)


@register_section
def expiring_suspensions(user: Actor, limit: int) -> DeskSection | None:
    """Forum suspensions (site-wide or in a group) that end within a week; lift one early."""
    if not forum_perm.can_suspend_site_wide(user):
        return None
    now = utcnow()
    query = (
        select(Suspension, User)
        .join(User, User.id == Suspension.user_id)
        .where(Suspension.until > now, Suspension.until <= now + EXPIRING_WITHIN)
    )
    items = [
        DeskItem(
            title=person.name,
            url=url_for("forum.site_suspensions"),
            detail=_("Suspended from the forum until the date shown. Reason: %(reason)s", reason=row.reason),
            when=row.until,
            actions=(DeskAction(url_for("forum.lift_suspension", suspension_id=row.id), _("Lift now")),),
        )
        for row, person in db.session.execute(query.order_by(Suspension.until).limit(limit))
    ]
    return DeskSection(
        "suspensions",
        _("Suspensions ending this week"),
        _count(query),
        items,
        url_for("forum.site_suspensions"),
    )


@register_section
def suspended_supporters(user: Actor, limit: int) -> DeskSection | None:
    """Covenant Supporters under an open suspension: admins may reinstate from the desk."""
    if not forum_perm.can_suspend_site_wide(user):
        return None
    query = (
        select(SupporterSuspension, Organisation)
        .join(Organisation, Organisation.id == SupporterSuspension.org_id)
        .where(SupporterSuspension.reinstated_at.is_(None))
    )
    items = []
    for row, org in db.session.execute(query.order_by(SupporterSuspension.suspended_on).limit(limit)):
        reinstate = DeskAction(
            url_for("programme.reinstate_supporter", external_id=org.external_id),
            _("Reinstate the supporter"),
        )
        items.append(
            DeskItem(
                title=org.name,
                url=url_for("orgs.view_profile", external_id=org.external_id),
                detail=_("Reason: %(reason)s", reason=row.reason),
                when=row.suspended_on,
                actions=(reinstate,) if programme_perm.can_reinstate_supporter(user, org) else (),
            )
        )
    return DeskSection("supporters", _("Suspended supporters"), _count(query), items)


@register_section
def organisations_to_review(user: Actor, limit: int) -> DeskSection | None:
    """Self-registered organisations, hidden until staff approve, merge or refuse them."""
    if not orgs_perm.can_review_organisations(user):
        return None
    pending = review.pending_organisations()
    items = [
        DeskItem(
            title=org.name,
            url=url_for("orgs_staff.list_organisations", _anchor=f"org-{org.id}"),
            detail=country_name(org.country) if org.country else "",
            when=org.created_at,
            actions=(DeskAction(url_for("orgs_staff.approve_organisation", org_id=org.id), _("Approve")),),
        )
        for org in pending[:limit]
    ]
    return DeskSection(
        "organisations", _("Organisations to approve"), review.pending_organisation_count(), items,
        url_for("orgs_staff.list_organisations"),
    )  # fmt: skip


@register_section
def claims_for_staff(user: Actor, limit: int) -> DeskSection | None:
    """Requests to join or claim organisations that have no active admin to answer them."""
    if not orgs_perm.can_review_organisations(user):
        return None
    queue = membership.staff_queue()
    items = [
        DeskItem(
            title=request.organisation.name,
            url=url_for("orgs_staff.list_claims"),
            detail=request.user.name,
            when=request.created_at,
        )
        for request in queue[:limit]
    ]
    return DeskSection(
        "claims", _("Claims and requests to join"), membership.pending_claim_count(), items,
        url_for("orgs_staff.list_claims"),
    )  # fmt: skip
