"""Organisation queries and changes used by views, the API and the CLI."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation

if TYPE_CHECKING:
    from covenant_hub.accounts.models import User


def directory_counts() -> dict[str, int]:
    """How many organisations of each kind the directory holds."""
    rows = db.session.execute(
        select(Organisation.kind, func.count()).group_by(Organisation.kind)
    ).all()
    return {kind: count for kind, count in rows}


def create_member_organisation(user: User, *, name: str, kind: str, country: str | None) -> Organisation:
    """Register a new organisation on behalf of `user`, who becomes its org admin.

    It starts as an `applicant` until staff check it; it is listed in the directory all the same.
    The caller owns the commit, so a registration that fails later leaves no stray organisation.
    """
    import uuid

    from covenant_hub.orgs.models import Membership

    org = Organisation(
        external_id=f"hub-{uuid.uuid4().hex[:12]}",
        kind=kind,
        name=name.strip(),
        country=(country or "").lower() or None,
        status="applicant",
        languages=[user.language] if user.language else [],
        sectors=[],
        commitments=[],
    )
    db.session.add(org)
    db.session.add(Membership(user=user, organisation=org, role="org_admin"))
    return org
