"""What the public sees of the programme: live supporters and their services, suspensions,
and members' feedback when they agreed to show it. Used by the programme page and by the
include hooks in the organisation profile and directory templates."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g
from sqlalchemy import select

from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation
from covenant_hub.programme import permissions, supporters
from covenant_hub.programme.models import MemberFeedback, SupporterService, Suspension


@dataclass
class LiveSupporter:
    org: Organisation
    services: list[SupporterService] = field(default_factory=list)


def live_supporters(service_type: str | None = None) -> list[LiveSupporter]:
    """Active supporters with their services (only those offering `service_type`, if given)."""
    orgs = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == "supporter", Organisation.status == "active")
            .order_by(Organisation.name)
        )
    )
    services = list(
        db.session.scalars(
            select(SupporterService)
            .where(SupporterService.org_id.in_([org.id for org in orgs]))
            .order_by(SupporterService.service_type)
        )
    )
    by_org: dict[int, list[SupporterService]] = {}
    for service in services:
        by_org.setdefault(service.org_id, []).append(service)
    result = [LiveSupporter(org, by_org.get(org.id, [])) for org in orgs]
    if service_type:
        result = [row for row in result if any(s.service_type == service_type for s in row.services)]
    return result


@dataclass
class ProfileSection:
    """Everything the profile include shows about one organisation."""

    services: list[SupporterService]
    suspension: Suspension | None
    feedback: list[MemberFeedback]
    feedback_public: bool
    show_feedback_link: bool
    show_dashboard_link: bool
    can_manage_services: bool
    can_give_feedback: bool
    can_suspend: bool


def profile_section(user: Actor, org: Organisation) -> ProfileSection:
    is_supporter = org.kind == "supporter"
    public = supporters.feedback_is_public(org)
    return ProfileSection(
        services=supporters.services_of(org) if is_supporter else [],
        suspension=supporters.open_suspension(org) if is_supporter and org.status == "suspended" else None,
        feedback=supporters.feedback_on(org) if public else [],
        feedback_public=public,
        show_feedback_link=permissions.can_view_feedback(user, org) and org.kind != "supporter",
        show_dashboard_link=permissions.can_view_dashboard(user, org),
        can_manage_services=permissions.can_manage_services(user, org),
        can_give_feedback=permissions.can_give_feedback(user, org),
        can_suspend=permissions.can_suspend_supporter(user, org),
    )


def service_types_of(org: Organisation) -> list[str]:
    """For the directory row of a supporter: one query per page, however many rows."""
    cache = g.get("_programme_service_types")
    if cache is None:
        cache = {}
        rows = db.session.execute(select(SupporterService.org_id, SupporterService.service_type).distinct())
        for org_id, service_type in rows:
            cache.setdefault(org_id, []).append(service_type)
        g._programme_service_types = cache
    return sorted(cache.get(org.id, []))
