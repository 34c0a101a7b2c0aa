"""Read the engine's records from the database (SQLAlchemy only; the caller owns the session)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_hub.matching.engine.records import LinkRecord, OrgRecord, PracticeRecord, Snapshot
from covenant_hub.orgs.models import Organisation, OrgLink, listed

ORG_COLUMNS = (
    "id",
    "external_id",
    "kind",
    "name",
    "country",
    "population",
    "lat",
    "lon",
    "languages",
    "sectors",
    "commitments",
    "joined",
    "status",
    "description",
    "needs",
    "offers",
)


def load_snapshot(session: Session) -> Snapshot:
    """Every organisation, link and published practice, read with plain column queries."""
    links = [
        LinkRecord(*row)
        for row in session.execute(select(OrgLink.source_id, OrgLink.target_id, OrgLink.kind, OrgLink.since))
    ]
    return Snapshot(
        orgs=load_orgs(session), links=links, practices=load_practices(session) + load_outcomes(session)
    )


def load_orgs(session: Session, ids: Collection[int] | None = None) -> list[OrgRecord]:
    """All organisations, or those of `ids` that exist (a refresh reloads a few)."""
    query = select(*(getattr(Organisation, name) for name in ORG_COLUMNS)).where(listed())
    if ids is not None:
        query = query.where(Organisation.id.in_(list(ids)))
    return [_org(dict(zip(ORG_COLUMNS, row, strict=True))) for row in session.execute(query)]


def load_links_between(session: Session, ids: Collection[int]) -> list[LinkRecord]:
    """The links whose two ends are both among `ids`."""
    ends = list(ids)
    query = select(OrgLink.source_id, OrgLink.target_id, OrgLink.kind, OrgLink.since).where(
        OrgLink.source_id.in_(ends), OrgLink.target_id.in_(ends)
    )
    return [LinkRecord(*row) for row in session.execute(query)]


def load_practices(session: Session, ids: Collection[int] | None = None) -> list[PracticeRecord]:
    """Published practices (or those of `ids` that are published), when the library domain
    is installed."""
    practice = practice_model()
    if practice is None:
        return []
    query = select(
        practice.id, practice.org_id, practice.title, practice.summary, practice.sectors, practice.language
    ).where(practice.state == "published")
    if ids is not None:
        query = query.where(practice.id.in_(list(ids)))
    return [
        PracticeRecord(
            id=r[0],
            org_id=r[1],
            title=r[2] or "",
            summary=r[3] or "",
            sectors=tuple(r[4] or ()),
            language=r[5] or "",
        )
        for r in session.execute(query)
    ]


def load_outcomes(session: Session, ids: Collection[int] | None = None) -> list[PracticeRecord]:
    """Exchange outcomes count as the recording organisation's own work: what it learned, and
    the title of the practice it replicated. Negative ids keep them apart from practices;
    `ids` are outcome ids (positive). Rows are re-read even if the session holds them."""
    from covenant_hub.matching.models import ExchangeOutcome

    query = select(ExchangeOutcome).execution_options(populate_existing=True)
    if ids is not None:
        query = query.where(ExchangeOutcome.id.in_(list(ids)))
    return [outcome_record(outcome) for outcome in session.scalars(query)]


def outcome_record(outcome: Any) -> PracticeRecord:
    practice = outcome.practice
    if practice is None:
        return PracticeRecord(id=-outcome.id, org_id=outcome.org_id, title="", summary=outcome.learned or "")
    return PracticeRecord(
        id=-outcome.id,
        org_id=outcome.org_id,
        title=practice.title or "",
        summary=outcome.learned or "",
        sectors=tuple(practice.sectors or ()),
        language=practice.language or "",
    )


def practice_model() -> Any:
    try:
        from covenant_hub.library.models import Practice
    except ImportError:  # the library domain is optional for the engine
        return None
    return Practice


def org_record(org: Organisation) -> OrgRecord:
    """One ORM organisation as an engine record (for incremental refreshes)."""
    return _org({name: getattr(org, name) for name in ORG_COLUMNS})


def link_record(link: OrgLink) -> LinkRecord:
    return LinkRecord(link.source_id, link.target_id, link.kind, link.since)


def practice_record(practice: Any) -> PracticeRecord:
    return PracticeRecord(
        id=practice.id,
        org_id=practice.org_id,
        title=practice.title or "",
        summary=practice.summary or "",
        sectors=tuple(practice.sectors or ()),
        language=practice.language or "",
    )


def _org(values: dict[str, Any]) -> OrgRecord:
    for name in ("languages", "sectors", "commitments"):
        values[name] = tuple(values[name] or ())
    for name in ("description", "needs", "offers"):
        values[name] = values[name] or ""
    return OrgRecord(**values)
