"""Organisation queries and changes used by views, the API and the CLI."""
from __future__ import annotations

from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation


def directory_counts() -> dict[str, int]:
    """How many organisations of each kind the directory holds."""
    rows = db.session.execute(
        select(Organisation.kind, func.count()).group_by(Organisation.kind)
    ).all()
    return {kind: count for kind, count in rows}
