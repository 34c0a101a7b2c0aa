"""Pure reader of the JRC GCoM MyCovenant signatory sheet (df1): no Flask, no database.

The sheet lists signatories only. Supporters and coordinators appear as free-text names on
the signatories' rows, so their ids, countries and locations are derived here. Ids are
decided over the whole file before `before` filters rows, so a partial import (for the
matching engine's time split) gives every organisation the same id as a full one.

The matching engine uses `read_gcom` directly: keep its signature and dataclasses stable.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

SHEET = "1"
MISSING = "-"
ID_PREFIX = "gcom-"
SUPPORTER_PREFIX = "gcom-sup-"
COORDINATOR_PREFIX = "gcom-coord-"
MAX_SLUG = 60
# A derived org gets the members' country only when this share of them agree on it.
COUNTRY_MAJORITY = 0.5
# Joint-SEAP groups up to this size are linked as a clique, larger ones as a star to their
# earliest member: the links stay linear in the group size (the largest group has ~30).
GROUP_CLIQUE_MAX = 8
STATUS_MAP = {"published": "active", "on_hold": "on_hold"}
COMMITMENT_FLAGS = (
    ("commitment_CoM2020_flag", "2020"),
    ("commitment_CoM2030_flag", "2030"),
    ("commitment_CoM2050_flag", "2050"),
    ("commitment_mayoradapt_flag", "adaptation"),
)
REQUIRED_COLUMNS = (
    "organisation_id",
    "organisation_name",
    "coordinator_name",
    "supporter_name",
    "country_code",
    "population_adhesion",
    "organisation_latitude",
    "organisation_longitude",
    "signatory_status",
    "date_of_adhesion",
    "gcom_id",
    *(flag for flag, _ in COMMITMENT_FLAGS),
)


class GcomFormatError(ValueError):
    """The workbook is not the df1 signatory sheet we know how to read."""


@dataclass(frozen=True)
class GcomSignatory:
    """One row of sheet 1. `supporter_id`/`coordinator_id` point at the derived orgs."""

    external_id: str
    gcom_id: str | None
    organisation_id: str
    name: str
    country: str | None
    population: int | None
    lat: float | None
    lon: float | None
    joined: date | None
    status: str
    commitments: tuple[str, ...]
    supporter_id: str | None
    coordinator_id: str | None
    group_id: str | None = None


@dataclass(frozen=True)
class GcomNetworkOrg:
    """A supporter or coordinator derived from the names on its members' rows."""

    external_id: str
    kind: str  # "supporter" or "coordinator"
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    member_count: int


@dataclass(frozen=True)
class GcomLink:
    """`supported_by` or `coordinated_by`, dated by the signatory's adhesion; or
    `twinned_with` between partners of one joint SEAP, dated by the later adhesion."""

    source: str
    target: str
    kind: str
    since: date | None


@dataclass
class GcomDataset:
    """Everything read from one workbook, ready for the DB importer or the matching engine."""

    signatories: list[GcomSignatory] = field(default_factory=list)
    supporters: list[GcomNetworkOrg] = field(default_factory=list)
    coordinators: list[GcomNetworkOrg] = field(default_factory=list)
    links: list[GcomLink] = field(default_factory=list)
    rows_read: int = 0

    def org_by_id(self) -> dict[str, GcomSignatory | GcomNetworkOrg]:
        """Every organisation of the data set by external id."""
        orgs: dict[str, GcomSignatory | GcomNetworkOrg] = {s.external_id: s for s in self.signatories}
        orgs.update({o.external_id: o for o in (*self.supporters, *self.coordinators)})
        return orgs


def read_gcom(
    path: str | Path, before: date | None = None, on_row: Callable[[int], None] | None = None
) -> GcomDataset:
    """Read the workbook; with `before`, keep signatories that joined strictly before it
    and only the supporters and coordinators those signatories name."""
    rows = list(iter_sheet_rows(path, on_row=on_row))
    return build_dataset(rows, before=before)


def iter_sheet_rows(
    path: str | Path, on_row: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of sheet "1" as dicts keyed by the header, with "-" turned into None."""
    from openpyxl import load_workbook

    workbook = load_workbook(str(path), read_only=True, data_only=True)
    try:
        if SHEET not in workbook.sheetnames:
            raise GcomFormatError(f"sheet {SHEET!r} not found in {path}")
        rows = workbook[SHEET].iter_rows(values_only=True)
        header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise GcomFormatError(f"missing columns: {', '.join(missing)}")
        for number, values in enumerate(rows, start=1):
            if not any(value not in (None, "") for value in values):
                continue
            if on_row:
                on_row(number)
            yield {key: _missing_to_none(value) for key, value in zip(header, values, strict=False)}
    finally:
        workbook.close()


def sheet_size(path: str | Path) -> int:
    """Rows in sheet "1" (header included) as the file declares them, for progress bars."""
    from openpyxl import load_workbook

    workbook = load_workbook(str(path), read_only=True)
    try:
        return int(workbook[SHEET].max_row or 0) if SHEET in workbook.sheetnames else 0
    finally:
        workbook.close()


def build_dataset(rows: list[dict[str, Any]], before: date | None = None) -> GcomDataset:
    """Turn sheet rows into signatories, derived networks and links."""
    signatory_ids = _signatory_ids(rows)
    supporter_ids = _network_ids(rows, "supporter_name", SUPPORTER_PREFIX)
    coordinator_ids = _network_ids(rows, "coordinator_name", COORDINATOR_PREFIX)
    signatories = [
        _signatory(row, signatory_ids[index], supporter_ids, coordinator_ids)
        for index, row in enumerate(rows)
    ]
    if before is not None:
        signatories = [s for s in signatories if s.joined is not None and s.joined < before]
    dataset = GcomDataset(signatories=signatories, rows_read=len(rows))
    dataset.supporters = _derive_networks(signatories, "supporter", supporter_ids)
    dataset.coordinators = _derive_networks(signatories, "coordinator", coordinator_ids)
    dataset.links = [link for s in signatories for link in _links_of(s)]
    dataset.links.extend(_group_links(signatories))
    return dataset


def slugify(text: str) -> str:
    """ASCII lower-case slug; names in other scripts fall back to a hash in `_stable_ids`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _stable_ids(names: Iterable[str], prefix: str) -> dict[str, str]:
    """Slug ids; names whose slugs collide (or are empty) all get a hash of the exact name."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for name in sorted(set(names)):
        by_slug[slugify(name)].append(name)
    ids: dict[str, str] = {}
    for slug, group in by_slug.items():
        for name in group:
            if len(group) == 1 and slug:
                ids[name] = f"{prefix}{slug}"
            else:
                ids[name] = f"{prefix}{slug + '-' if slug else ''}{_short_hash(name)}"
    return ids


def _network_ids(rows: list[dict[str, Any]], column: str, prefix: str) -> dict[str, str]:
    return _stable_ids((_clean_name(row.get(column)) for row in rows if _clean_name(row.get(column))), prefix)


def _signatory_ids(rows: list[dict[str, Any]]) -> list[str]:
    """`gcom-<gcom_id>`; rows without one, or sharing it, use the unique organisation_id."""
    counts = Counter(_text(row.get("gcom_id")) for row in rows)
    ids = []
    for row in rows:
        gcom_id = _text(row.get("gcom_id"))
        organisation_id = slugify(_text(row.get("organisation_id")) or "") or "unknown"
        if gcom_id and counts[gcom_id] == 1:
            ids.append(f"{ID_PREFIX}{gcom_id.lower()}")
        elif gcom_id:
            ids.append(f"{ID_PREFIX}{gcom_id.lower()}-{organisation_id}")
        else:
            ids.append(f"{ID_PREFIX}org-{organisation_id}")
    return ids


def _signatory(
    row: dict[str, Any], external_id: str, supporter_ids: dict[str, str], coordinator_ids: dict[str, str]
) -> GcomSignatory:
    supporter = _clean_name(row.get("supporter_name"))
    coordinator = _clean_name(row.get("coordinator_name"))
    country = _text(row.get("country_code"))
    status = _text(row.get("signatory_status")) or ""
    return GcomSignatory(
        external_id=external_id,
        gcom_id=_text(row.get("gcom_id")),
        organisation_id=_text(row.get("organisation_id")) or "",
        name=_clean_name(row.get("organisation_name")) or external_id,
        country=country.lower() if country and len(country) == 2 else None,
        population=_integer(row.get("population_adhesion")),
        lat=_coordinate(row.get("organisation_latitude"), 90),
        lon=_coordinate(row.get("organisation_longitude"), 180),
        joined=_date(row.get("date_of_adhesion")),
        status=STATUS_MAP.get(status, "active"),
        commitments=tuple(code for flag, code in COMMITMENT_FLAGS if _flag(row.get(flag))),
        supporter_id=supporter_ids.get(supporter) if supporter else None,
        coordinator_id=coordinator_ids.get(coordinator) if coordinator else None,
        group_id=_text(row.get("group_organisation_id")),
    )


def _derive_networks(
    signatories: list[GcomSignatory], kind: str, ids: dict[str, str]
) -> list[GcomNetworkOrg]:
    """One org per id named by the kept signatories, placed where most of its members are."""
    names = {external_id: name for name, external_id in ids.items()}
    members: dict[str, list[GcomSignatory]] = defaultdict(list)
    for signatory in signatories:
        target = signatory.supporter_id if kind == "supporter" else signatory.coordinator_id
        if target:
            members[target].append(signatory)
    return [
        _network_org(external_id, kind, names[external_id], group)
        for external_id, group in sorted(members.items())
    ]


def _network_org(external_id: str, kind: str, name: str, members: list[GcomSignatory]) -> GcomNetworkOrg:
    """Country: the members' most common one if a majority share it. Location: the member
    nearest the members' median point, so it is a real place, never the sea between them."""
    countries = Counter(m.country for m in members if m.country)
    country = None
    if countries:
        top, count = countries.most_common(1)[0]
        country = top if count / len(members) > COUNTRY_MAJORITY else None
    placed = [
        m
        for m in members
        if m.lat is not None and m.lon is not None and (country is None or m.country == country)
    ]
    lat = lon = None
    if placed:
        mid_lat = sorted(m.lat for m in placed)[len(placed) // 2]  # type: ignore[type-var]
        mid_lon = sorted(m.lon for m in placed)[len(placed) // 2]  # type: ignore[type-var]
        nearest = min(placed, key=lambda m: (m.lat - mid_lat) ** 2 + (m.lon - mid_lon) ** 2)  # type: ignore[operator]
        lat, lon = nearest.lat, nearest.lon
    return GcomNetworkOrg(
        external_id=external_id,
        kind=kind,
        name=name,
        country=country,
        lat=lat,
        lon=lon,
        member_count=len(members),
    )


def _links_of(signatory: GcomSignatory) -> Iterator[GcomLink]:
    if signatory.supporter_id:
        yield GcomLink(signatory.external_id, signatory.supporter_id, "supported_by", signatory.joined)
    if signatory.coordinator_id:
        yield GcomLink(signatory.external_id, signatory.coordinator_id, "coordinated_by", signatory.joined)


def _group_links(signatories: list[GcomSignatory]) -> Iterator[GcomLink]:
    """Partners of one joint SEAP are twinned: known from adhesion, and they usually share
    their coordinator. Small groups form a clique, large ones a star to the earliest member."""
    groups: dict[str, list[GcomSignatory]] = defaultdict(list)
    for signatory in signatories:
        if signatory.group_id:
            groups[signatory.group_id].append(signatory)
    for members in groups.values():
        members.sort(key=lambda s: (s.joined or date.max, s.external_id))
        clique = len(members) <= GROUP_CLIQUE_MAX
        for index, later in enumerate(members[1:], start=1):
            for earlier in members[:index] if clique else members[:1]:
                since = max((d for d in (earlier.joined, later.joined) if d), default=None)
                yield GcomLink(earlier.external_id, later.external_id, "twinned_with", since)


def _missing_to_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in (MISSING, ""):
        return None
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _clean_name(value: Any) -> str | None:
    """Names as printed, with runs of spaces collapsed and the ends trimmed."""
    text = _text(value)
    return re.sub(r"\s+", " ", text) if text else None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(float(str(value).replace(",", ".")))
    except ValueError:
        return None
    return number if number >= 0 else None


def _coordinate(value: Any, limit: float) -> float | None:
    """Degrees; some cells use a decimal comma ("50,36"). Out-of-range values are dropped."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except ValueError:
        return None
    return number if -limit <= number <= limit else None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)
