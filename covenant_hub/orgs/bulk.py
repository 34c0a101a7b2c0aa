"""Bulk create-or-update of organisations and links by external id.

Both importers (interchange folders and the GCoM sheet) write through here, so a second
import updates rows instead of duplicating them, and 12,000 rows cost a few statements
rather than 12,000 ORM flushes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select, update

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.language.names import name_key
from covenant_hub.orgs.models import UNDIRECTED_LINK_KINDS, Organisation, OrgLink

# Fields of organisations.jsonl and the matching Organisation columns.
ORG_FIELDS = (
    "kind",
    "name",
    "country",
    "city",
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
    "website",
)
LIST_FIELDS = ("languages", "sectors", "commitments")


def org_ids_by_external_id() -> dict[str, int]:
    """Every organisation's primary key by external id (one query)."""
    return dict(db.session.execute(select(Organisation.external_id, Organisation.id)).all())


def upsert_organisations(
    records: Iterable[dict[str, Any]],
    fields: tuple[str, ...] = ORG_FIELDS,
    extra: dict[str, Any] | None = None,
) -> tuple[int, int]:
    """Create or update organisations keyed by `record["id"]`; only `fields` are written.

    A field in `fields` that a record leaves out is cleared, so the stored organisation
    matches the record. Returns (created, updated); the caller commits.
    """
    existing = org_ids_by_external_id()
    now = utcnow()
    inserts, updates = [], []
    for record in records:
        row = {name: _value(record, name) for name in fields}
        row.update(extra or {})
        if "name" in row:
            row["name_key"] = name_key(row["name"] or "")
        row["updated_at"] = now
        if record["id"] in existing:
            updates.append({"id": existing[record["id"]], **row})
        else:
            inserts.append({"external_id": record["id"], "created_at": now, **_defaults(), **row})
    if inserts:
        db.session.execute(insert(Organisation), inserts)
    if updates:
        db.session.execute(update(Organisation), updates)
    return len(inserts), len(updates)


def upsert_links(records: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """Create or update links keyed by (source, target, kind); `since` and `topic` are written."""
    org_ids = org_ids_by_external_id()
    existing = {
        (source, target, kind): link_id
        for link_id, source, target, kind in db.session.execute(
            select(OrgLink.id, OrgLink.source_id, OrgLink.target_id, OrgLink.kind)
        )
    }
    inserts, updates = [], []
    for record in records:
        key = (org_ids[record["source"]], org_ids[record["target"]], record["kind"])
        row = {"since": record.get("since"), "topic": record.get("topic")}
        if key in existing:
            updates.append({"id": existing[key], **row})
        else:
            existing[key] = -1  # a repeated link in one batch is written once
            inserts.append({"source_id": key[0], "target_id": key[1], "kind": key[2], **row})
    if inserts:
        db.session.execute(insert(OrgLink), inserts)
    if updates:
        db.session.execute(update(OrgLink), updates)
    return len(inserts), len(updates)


def _value(record: dict[str, Any], name: str) -> Any:
    value = record.get(name)
    if name in LIST_FIELDS:
        return list(value or [])
    return value


def _defaults() -> dict[str, Any]:
    return {"languages": [], "sectors": [], "commitments": [], "is_sample": False}


def remove_links_not_in(sources: Iterable[str], kinds: Iterable[str], keep: Iterable[dict[str, Any]]) -> int:
    """Delete the `kinds` links of `sources` (external ids) that are not in `keep`: a source
    that states all its links of those kinds (a GCoM row names a city's one supporter and one
    coordinator, and its joint-plan partners) loses the ones it no longer names. An undirected
    link goes only when both ends are sources (matched in either direction): a city outside
    this import, say one that joined after `--before`, keeps its partners."""
    org_ids = org_ids_by_external_id()
    source_ids = {org_ids[s] for s in sources if s in org_ids}
    kinds = tuple(kinds)
    wanted: set[tuple[int, int, str]] = set()
    for record in keep:
        key = (org_ids[record["source"]], org_ids[record["target"]], record["kind"])
        wanted.add(key)
        if record["kind"] in UNDIRECTED_LINK_KINDS:
            wanted.add((key[1], key[0], key[2]))
    stale = [
        link_id
        for link_id, source, target, kind in db.session.execute(
            select(OrgLink.id, OrgLink.source_id, OrgLink.target_id, OrgLink.kind).where(
                OrgLink.kind.in_(kinds)
            )
        )
        if source in source_ids
        and (kind not in UNDIRECTED_LINK_KINDS or target in source_ids)
        and (source, target, kind) not in wanted
    ]
    for chunk in range(0, len(stale), 500):
        db.session.execute(delete(OrgLink).where(OrgLink.id.in_(stale[chunk : chunk + 500])))
    return len(stale)
