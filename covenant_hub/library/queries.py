"""Read-only questions about practices: the filtered list, the review queue, contacts."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, String, cast, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from covenant_hub.accounts.models import User
from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.library import permissions, translations
from covenant_hub.library.models import Practice, PracticeSignatory
from covenant_hub.orgs.models import ORG_KINDS, Membership, Organisation
from covenant_hub.vocabularies import SECTORS

SORTS = ("newest", "title", "co2")
# What a practice page shows, loaded up front instead of one lazy query at a time.
PAGE_LOADING = (
    joinedload(Practice.owner),
    selectinload(Practice.signatories).joinedload(PracticeSignatory.organisation),
    selectinload(Practice.attachments),
)
# Range filters: query argument -> (column, comparison).
RANGE_FILTERS = {
    "min_co2": ("co2_t_per_year", "ge"),
    "max_co2": ("co2_t_per_year", "le"),
    "min_energy": ("energy_mwh_per_year", "ge"),
    "min_renewable": ("renewable_mwh_per_year", "ge"),
    "max_cost": ("cost_eur", "le"),
    "min_jobs": ("jobs", "ge"),
}


@dataclass
class PracticeFilters:
    """The list's query string, validated: unknown values are dropped, never trusted."""

    sector: str = ""
    country: str = ""
    language: str = ""
    org_kind: str = ""
    sort: str = "newest"
    mine: bool = False
    ranges: dict[str, float] | None = None

    @classmethod
    def from_args(cls, args: Any) -> PracticeFilters:
        ranges: dict[str, float] = {}
        for name in RANGE_FILTERS:
            try:
                value = float(args.get(name, ""))
            except ValueError:
                continue
            if value == value and value not in (float("inf"), float("-inf")):  # not NaN/inf
                ranges[name] = value
        country = args.get("country", "").strip().lower()
        language = args.get("language", "").strip().lower()
        return cls(
            sector=args.get("sector", "") if args.get("sector", "") in SECTORS else "",
            country=country if len(country) == 2 and country.isalpha() else "",
            language=language if len(language) == 2 and language.isalpha() else "",
            org_kind=args.get("org_kind", "") if args.get("org_kind", "") in ORG_KINDS else "",
            sort=args.get("sort", "newest") if args.get("sort") in SORTS else "newest",
            mine=args.get("mine") == "1",
            ranges=ranges,
        )


def sector_condition(sector: str) -> Any:
    """JSON lists are stored as text on every backend; sector codes hold no LIKE wildcards."""
    return cast(Practice.sectors, String).like(f'%"{sector}"%')


def _apply_filters(query: Select, filters: PracticeFilters) -> Select:
    if filters.sector:
        query = query.where(sector_condition(filters.sector))
    if filters.language:
        query = query.where(Practice.language == filters.language)
    if filters.country or filters.org_kind:
        query = query.join(Organisation, Organisation.id == Practice.org_id)
        if filters.country:
            query = query.where(Organisation.country == filters.country)
        if filters.org_kind:
            query = query.where(Organisation.kind == filters.org_kind)
    for name, value in (filters.ranges or {}).items():
        column_name, comparison = RANGE_FILTERS[name]
        column = getattr(Practice, column_name)
        query = query.where(column >= value if comparison == "ge" else column <= value)
    return query


def _apply_sort(query: Select, sort: str) -> Select:
    if sort == "title":
        return query.order_by(Practice.title, Practice.id)
    if sort == "co2":
        return query.order_by(Practice.co2_t_per_year.desc().nulls_last(), Practice.id.desc())
    return query.order_by(Practice.published.desc().nulls_last(), Practice.id.desc())


def list_practices(
    user: Actor,
    filters: PracticeFilters,
    page: int,
    per_page: int,
    reader_language: str | None = None,
    every_version: bool = False,
) -> Pagination:
    """Published practices for everyone, each once (the version in the reader's language where
    there is one); with `mine`, every version in every state of the user's organisations.
    `every_version` lists each language version as its own row (the API's records)."""
    query = select(Practice)
    if filters.mine and getattr(user, "is_authenticated", False):
        org_ids = [m.org_id for m in user.memberships]
        query = _apply_filters(query.where(Practice.org_id.in_(org_ids)), filters)
    else:
        query = _apply_filters(query.where(Practice.state == "published"), filters)
        if not every_version:
            query = translations.one_per_family(query, reader_language)
    query = _apply_sort(query.options(joinedload(Practice.owner)), filters.sort)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def review_queue(user: Actor) -> list[Practice]:
    """Submitted practices this reviewer may decide on, oldest first."""
    query = select(Practice).options(joinedload(Practice.owner)).where(Practice.state == "submitted")
    org_ids = permissions.reviewable_org_ids(user)
    if org_ids is not None:
        query = query.where(Practice.org_id.in_(org_ids or {-1}))
    return list(db.session.scalars(query.order_by(Practice.updated_at, Practice.id)))


def owner_contacts(org_id: int) -> list[User]:
    """The owner's org admins: the people to ask about a practice."""
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.role == "org_admin", User.disabled_at.is_(None))
        .order_by(User.name)
    )
    return list(db.session.scalars(query))


def get_practice_by_external_id(external_id: str) -> Practice | None:
    """The practice an interchange id names."""
    return db.session.scalar(select(Practice).where(Practice.external_id == external_id))


def published_practices_of(
    org_id: int, limit: int = 10, reader_language: str | None = None
) -> list[Practice]:
    """An organisation's published practices, newest first, each once (in the reader's
    language where a version exists): for its profile page."""
    query = translations.one_per_family(
        select(Practice).where(Practice.org_id == org_id, Practice.state == "published"), reader_language
    )
    query = query.order_by(Practice.published.desc().nulls_last(), Practice.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def practice_countries() -> list[tuple[str, str]]:
    """(code, name in the page's language) of the countries with published practices, for the
    country filter: a list to pick from instead of a two-letter code to guess."""
    from covenant_hub.vocabularies import country_name

    codes = db.session.scalars(
        select(Organisation.country).join(Practice, Practice.org_id == Organisation.id)
        .where(Practice.state == "published", Organisation.country.is_not(None)).distinct()
    )  # fmt: skip
    return sorted(((code, country_name(code)) for code in codes if code), key=lambda pair: pair[1])


def titles_in_language(practice_ids: Collection[int], language: str) -> dict[int, str]:
    """For each practice, the title of its published version in `language` (same translation
    group), where one exists: what another domain shows when it names a practice on a page."""
    if not practice_ids:
        return {}
    version = aliased(Practice)
    query = (
        select(Practice.id, version.title)
        .join(version, version.translation_group == Practice.translation_group)
        .where(
            Practice.id.in_(list(practice_ids)), version.language == language, version.state == "published"
        )
        .order_by(version.id)
    )
    found: dict[int, str] = {}
    for practice_id, title in db.session.execute(query):
        found.setdefault(practice_id, title)
    return found
