"""Plain records the engine is built from: a snapshot of the database, free of SQLAlchemy.

The engine never sees ORM objects, so it runs the same in a test, a benchmark or the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

CITY_KINDS = ("signatory", "candidate")
NETWORK_KINDS = ("supporter", "coordinator")
LINK_KINDS = ("supported_by", "coordinated_by", "exchange", "twinned_with")
# Which link kind joins a city to an organisation of a given network kind.
LINK_OF_KIND = {"supporter": "supported_by", "coordinator": "coordinated_by"}


@dataclass(frozen=True)
class OrgRecord:
    """One organisation as the engine needs it (ids are database ids)."""

    id: int
    external_id: str
    kind: str
    name: str
    country: str | None = None
    population: int | None = None
    lat: float | None = None
    lon: float | None = None
    languages: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()
    joined: date | None = None
    status: str | None = "active"
    description: str = ""
    needs: str = ""
    offers: str = ""


@dataclass(frozen=True)
class LinkRecord:
    """A link from `source` to `target` (database ids); exchange and twinning are undirected."""

    source: int
    target: int
    kind: str
    since: date | None = None


@dataclass(frozen=True)
class PracticeRecord:
    """A published practice: its text counts as what its organisation has done."""

    id: int
    org_id: int
    title: str
    summary: str = ""
    sectors: tuple[str, ...] = ()
    language: str = ""


@dataclass
class Snapshot:
    """Everything the model is built from, taken at one moment."""

    orgs: list[OrgRecord] = field(default_factory=list)
    links: list[LinkRecord] = field(default_factory=list)
    practices: list[PracticeRecord] = field(default_factory=list)
    # "practice:<id>" -> (language, raw (views, dim) vectors) the search stored, when it has them
    vectors: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def org_by_id(self) -> dict[int, OrgRecord]:
        return {org.id: org for org in self.orgs}

    def without_links(self, hidden: set[tuple[int, int, str]]) -> Snapshot:
        """The same snapshot with some (source, target, kind) links taken out."""
        kept = [link for link in self.links if (link.source, link.target, link.kind) not in hidden]
        return Snapshot(
            orgs=list(self.orgs), links=kept, practices=list(self.practices), vectors=self.vectors
        )

    def with_orgs(self, orgs: list[OrgRecord]) -> Snapshot:
        """The same links and practices over a changed list of organisations."""
        return Snapshot(
            orgs=orgs, links=list(self.links), practices=list(self.practices), vectors=self.vectors
        )


def snapshot_from_gcom(dataset: object) -> Snapshot:
    """Turn `covenant_hub.orgs.gcom.GcomDataset` into a snapshot with made-up integer ids.

    Used by the benchmark and development scripts that read the workbook without a database.
    """
    orgs: list[OrgRecord] = []
    ids: dict[str, int] = {}
    for number, item in enumerate(_gcom_items(dataset), start=1):
        ids[item.external_id] = number
        orgs.append(_gcom_org(number, item))
    links = [
        LinkRecord(ids[link.source], ids[link.target], link.kind, link.since)
        for link in dataset.links  # type: ignore[attr-defined]
        if link.source in ids and link.target in ids
    ]
    return Snapshot(orgs=orgs, links=links)


def _gcom_items(dataset: Any) -> list[Any]:
    return [*dataset.signatories, *dataset.supporters, *dataset.coordinators]


def _gcom_org(number: int, item: Any) -> OrgRecord:
    """`item` is one of the GCoM reader's records (orgs/gcom: not imported by the engine)."""
    kind = getattr(item, "kind", "signatory")
    base = OrgRecord(
        id=number,
        external_id=item.external_id,
        kind=kind,
        name=item.name,
        country=item.country,
        lat=item.lat,
        lon=item.lon,
    )
    if kind != "signatory":
        return base
    return replace(
        base,
        population=item.population,
        joined=item.joined,
        status=item.status,
        commitments=tuple(item.commitments),
    )
