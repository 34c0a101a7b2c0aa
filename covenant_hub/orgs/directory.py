"""The directory query: filters, name search, sorting and pages, shared by pages and the API.

List fields (sectors, languages, commitments) are JSON columns; they are filtered with LIKE
on the JSON text for the quoted code, which works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, String, case, cast, func, or_, select

from covenant_hub.extensions import db
from covenant_hub.inputs import MAX_PAGE, parse_int
from covenant_hub.language.names import name_key
from covenant_hub.orgs.models import COMMITMENTS, ORG_KINDS, ORG_STATUSES, Organisation, listed
from covenant_hub.vocabularies import SECTORS

# Population bands: code -> (lowest included, highest excluded or None).
POPULATION_BANDS: dict[str, tuple[int, int | None]] = {
    "under_10k": (0, 10_000),
    "10k_50k": (10_000, 50_000),
    "50k_250k": (50_000, 250_000),
    "250k_1m": (250_000, 1_000_000),
    "over_1m": (1_000_000, None),
}
SORTS = ("name", "population", "joined", "country")
CODE_RE = re.compile(r"^[a-z]{2}$")
MAX_QUERY_LENGTH = 100


class InvalidQuery(ValueError):
    """A parameter the directory cannot use; `param` names it for the message, which is in the
    reader's language (the 400 page's detail)."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True)
class DirectoryQuery:
    kind: str | None = None
    country: str | None = None
    sector: str | None = None
    commitment: str | None = None
    status: str | None = None
    band: str | None = None
    language: str | None = None
    q: str | None = None
    sort: str = "name"
    page: int = 1
    per_page: int = 25

    def with_page(self, page: int) -> DirectoryQuery:
        return replace(self, page=page)

    def filters(self) -> dict[str, str]:
        """The query's non-empty parameters (for links that keep them)."""
        names = ("kind", "country", "sector", "commitment", "status", "band", "language", "q")
        params = {name: getattr(self, name) for name in names if getattr(self, name)}
        if self.sort != "name":
            params["sort"] = self.sort
        return params


@dataclass
class DirectoryPage:
    items: list[Organisation]
    total: int
    page: int
    per_page: int
    query: DirectoryQuery = field(default_factory=DirectoryQuery)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


CHOICES = {
    "kind": ORG_KINDS,
    "sector": SECTORS,
    "commitment": COMMITMENTS,
    "status": ORG_STATUSES,
    "band": tuple(POPULATION_BANDS),
    "sort": SORTS,
}


def parse_query(args: Mapping[str, Any], per_page: int, max_per_page: int) -> DirectoryQuery:
    """Read request arguments; raise InvalidQuery on the first unusable one."""
    values: dict[str, Any] = {}
    for name, allowed in CHOICES.items():
        value = (args.get(name) or "").strip()
        if value and value not in allowed:
            raise InvalidQuery(name, _("must be one of %(values)s", values=", ".join(allowed)))
        if value:
            values[name] = value
    for name in ("country", "language"):
        value = (args.get(name) or "").strip()
        if value and not CODE_RE.match(value):
            raise InvalidQuery(name, _("must be a two-letter lower-case code"))
        if value:
            values[name] = value
    text = (args.get("q") or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQuery("q", _("must be at most %(num)d characters", num=MAX_QUERY_LENGTH))
    values["q"] = text or None
    values["page"] = _positive_int(args, "page", 1, MAX_PAGE)
    values["per_page"] = _positive_int(args, "per_page", per_page, max_per_page)
    return DirectoryQuery(**values)


def _positive_int(args: Mapping[str, Any], name: str, default: int, maximum: int) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    number = parse_int(raw, 1, maximum)
    if number is None:
        raise InvalidQuery(name, _("must be a whole number from 1 to %(max)d", max=maximum))
    return number


def search_directory(query: DirectoryQuery) -> DirectoryPage:
    """One page of organisations matching `query`, with the total count."""
    statement = _filtered(select(Organisation), query)
    total = db.session.scalar(_filtered(select(func.count(Organisation.id)), query)) or 0
    items = db.session.scalars(
        _sorted(statement, query.sort, query.q or "")
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    ).all()
    return DirectoryPage(
        items=list(items), total=total, page=query.page, per_page=query.per_page, query=query
    )


def _contains_code(column: Any, code: str) -> Any:
    """JSON list contains `code`: match the quoted code in the JSON text."""
    return cast(column, String).like(f'%"{code}"%')


def _filtered(statement: Select[Any], query: DirectoryQuery) -> Select[Any]:
    conditions = [listed()]  # pending and refused organisations are never in the directory
    for name in ("kind", "country", "status"):
        if getattr(query, name):
            conditions.append(getattr(Organisation, name) == getattr(query, name))
    if query.sector:
        conditions.append(_contains_code(Organisation.sectors, query.sector))
    if query.commitment:
        conditions.append(_contains_code(Organisation.commitments, query.commitment))
    if query.language:
        conditions.append(_contains_code(Organisation.languages, query.language))
    if query.band:
        low, high = POPULATION_BANDS[query.band]
        conditions.append(Organisation.population >= low)
        if high is not None:
            conditions.append(Organisation.population < high)
    if query.q:
        conditions.append(_name_contains(query.q))
    return statement.where(*conditions)


def _name_contains(text: str) -> Any:
    """The name holds `text` in any script: case-insensitive (SQLite's lower() is replaced by
    Python's, see database.py), or its folded Latin key holds the text's ("Ош" finds Osh)."""
    spelled = func.lower(Organisation.name).contains(text.lower(), autoescape=True)
    key = name_key(text)
    if not key:
        return spelled
    column = Organisation.name_key  # a word of the name starts with the key
    return or_(spelled, column.startswith(key, autoescape=True), column.contains(f" {key}", autoescape=True))


def _name_rank(text: str) -> Any:
    """0 for the organisation named exactly `text` (in any script), 1 for a name starting with
    it, 2 for the rest: a search by name lists its namesake first."""
    key = name_key(text)
    starts = Organisation.name_key.startswith(f"{key} ", autoescape=True)
    return case((Organisation.name_key == key, 0), (starts, 1), else_=2)


def _sorted(statement: Select[Any], sort: str, text: str = "") -> Select[Any]:
    if text and name_key(text):
        statement = statement.order_by(_name_rank(text))
    orders = {
        "name": (Organisation.name, Organisation.id),
        "population": (Organisation.population.desc().nulls_last(), Organisation.name),
        "joined": (Organisation.joined.desc().nulls_last(), Organisation.name),
        "country": (Organisation.country.asc().nulls_last(), Organisation.name),
    }
    return statement.order_by(*orders[sort])


MAP_LIMIT = 2000  # points on one map; beyond it the map says how many it leaves out


MAP_COLUMNS = (
    Organisation.id,
    Organisation.lat,
    Organisation.lon,
    Organisation.name,
    Organisation.external_id,
    Organisation.kind,
)


def map_places(query: DirectoryQuery, limit: int = MAP_LIMIT) -> tuple[list[Row[Any]], int]:
    """Organisations matching the directory's filters that have coordinates (every page of the
    list, not only the one shown), largest first, and how many have coordinates in all. Rows of
    the columns a map point needs, not records: loading 2,000 whole organisations (their JSON
    lists decoded) was most of the directory page's time."""
    located = (Organisation.lat.is_not(None), Organisation.lon.is_not(None))
    total = db.session.scalar(_filtered(select(func.count(Organisation.id)), query).where(*located)) or 0
    statement = _filtered(select(*MAP_COLUMNS), query).where(*located)
    ordered = statement.order_by(Organisation.population.desc().nulls_last(), Organisation.name)
    return list(db.session.execute(ordered.limit(limit)).all()), total
