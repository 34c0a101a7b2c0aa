"""Write a `GcomDataset` into the database: signatories, derived networks and their links.

Only the fields the sheet knows are written, so re-importing refreshes population, status
and commitments without wiping what org admins wrote (description, needs, offers, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from covenant_hub.extensions import db
from covenant_hub.orgs import bulk
from covenant_hub.orgs.gcom import GcomDataset, GcomNetworkOrg, GcomSignatory, read_gcom

SIGNATORY_FIELDS = ("kind", "name", "country", "population", "lat", "lon", "commitments", "joined", "status")
NETWORK_FIELDS = ("kind", "name", "country", "lat", "lon")
SHEET_LINK_KINDS = ("supported_by", "coordinated_by", "twinned_with")


@dataclass
class GcomImportReport:
    rows_read: int
    signatories: int
    supporters: int
    coordinators: int
    links: int
    created: int
    updated: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"GCoM: {self.signatories} signatories, {self.supporters} supporters, "
            f"{self.coordinators} coordinators, {self.links} links "
            f"({self.created} created, {self.updated} updated)"
        )


def import_gcom(
    path: str | Path,
    before: date | None = None,
    on_row: Callable[[int], None] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> GcomImportReport:
    """Read the workbook and upsert everything in one transaction."""
    dataset = read_gcom(path, before=before, on_row=on_row)
    try:
        report = write_dataset(dataset, on_step=on_step)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def write_dataset(dataset: GcomDataset, on_step: Callable[[str], None] | None = None) -> GcomImportReport:
    """Upsert the data set without committing (the caller owns the transaction)."""
    step = on_step or (lambda _name: None)
    step("signatories")
    created, updated = bulk.upsert_organisations(
        (signatory_record(s) for s in dataset.signatories), fields=SIGNATORY_FIELDS
    )
    step("supporters and coordinators")
    networks = [network_record(o) for o in (*dataset.supporters, *dataset.coordinators)]
    more_created, more_updated = bulk.upsert_organisations(networks, fields=NETWORK_FIELDS)
    step("links")
    links = [asdict(link) for link in dataset.links]
    bulk.upsert_links(links)
    # The sheet states every one of these links of the cities it lists: one it no longer names
    # (a city that changed coordinator, left a joint plan) goes. Links made on the site stay.
    bulk.remove_links_not_in((s.external_id for s in dataset.signatories), SHEET_LINK_KINDS, links)
    return GcomImportReport(
        rows_read=dataset.rows_read,
        signatories=len(dataset.signatories),
        supporters=len(dataset.supporters),
        coordinators=len(dataset.coordinators),
        links=len(dataset.links),
        created=created + more_created,
        updated=updated + more_updated,
    )


def signatory_record(signatory: GcomSignatory) -> dict[str, Any]:
    return {
        "id": signatory.external_id,
        "kind": "signatory",
        "name": signatory.name,
        "country": signatory.country,
        "population": signatory.population,
        "lat": signatory.lat,
        "lon": signatory.lon,
        "commitments": list(signatory.commitments),
        "joined": signatory.joined,
        "status": signatory.status,
    }


def network_record(org: GcomNetworkOrg) -> dict[str, Any]:
    return {
        "id": org.external_id,
        "kind": org.kind,
        "name": org.name,
        "country": org.country,
        "lat": org.lat,
        "lon": org.lon,
    }
