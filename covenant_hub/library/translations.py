"""Translations are one practice: language versions share a `translation_group`.

A practice's family is its group, or the practice alone when it has no translation. Lists,
search and "similar practices" show one version per family: the reader's language first, then
the languages a reader of that language most likely reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.library import permissions
from covenant_hub.library.models import Practice

#: After the reader's own language, the versions they are likeliest to read.
FALLBACKS = {"ky": ("ru", "en"), "ru": ("en", "ky"), "en": ("ru", "ky")}


def reading_order(language: str | None) -> tuple[str, ...]:
    """The languages to prefer, best first, for a reader of `language`."""
    language = (language or "en").lower()
    return (language, *FALLBACKS.get(language, ("en", "ru", "ky")))


def family_key(practice: Practice) -> str:
    """What the versions of one practice have in common."""
    return practice.translation_group or practice.external_id


def _rank(language: str, order: Sequence[str]) -> int:
    return order.index(language) if language in order else len(order)


def sort_versions(versions: Iterable[Practice], reader_language: str | None) -> list[Practice]:
    """The versions in the reader's order: their language first, the others after."""
    order = reading_order(reader_language)
    return sorted(versions, key=lambda p: (_rank(p.language, order), p.language, p.id))


def versions_of(user: Actor, practice: Practice, reader_language: str | None) -> list[Practice]:
    """Every language version this user may see, this one included, the reader's first."""
    if not practice.translation_group:
        return [practice]
    query = select(Practice).where(Practice.translation_group == practice.translation_group)
    visible = [
        p for p in db.session.scalars(query) if p.id == practice.id or permissions.can_view_practice(user, p)
    ]
    return sort_versions(visible, reader_language)


def one_per_family(query: Select, reader_language: str | None) -> Select:
    """Of the practices `query` selects, keep one version of each family: the best for the reader.

    Runs as a window over the filtered rows, so a filter (sector, language, figures) that only
    one version passes still shows that version, and the count is of practices, not versions.
    Only practices with other versions are ranked; one that no other version names (most of
    them) passes as it is, found through the translation-group index: ranking 10,000
    single-version families in the window was most of the practice list's time
    (bench/http_bench.py).
    """
    order = reading_order(reader_language)
    rank = case({code: index for index, code in enumerate(order)}, value=Practice.language, else_=len(order))
    other = aliased(Practice)
    has_versions = or_(
        Practice.translation_group.is_not(None),
        exists().where(other.translation_group == Practice.external_id),
    )
    numbered = (
        query.with_only_columns(
            Practice.id.label("id"),
            func.row_number()
            .over(
                partition_by=func.coalesce(Practice.translation_group, Practice.external_id),
                order_by=(rank, Practice.id),
            )
            .label("version_rank"),
        )
        .where(has_versions)
        .subquery()
    )
    best = select(numbered.c.id).where(numbered.c.version_rank == 1)
    return query.where(or_(~has_versions, Practice.id.in_(best)))


def families_of(practice_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """practice id -> (family key, language), for collapsing hits found elsewhere (search)."""
    ids = list(practice_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Practice.id, Practice.translation_group, Practice.external_id, Practice.language).where(
            Practice.id.in_(ids)
        )
    )
    return {row.id: (row.translation_group or row.external_id, row.language) for row in rows}


def originals(practices: Iterable[Practice]) -> dict[str, Practice]:
    """family key -> the version its translations name: the one whose id is the key, else the oldest."""
    found: dict[str, Practice] = {}
    for practice in sorted(practices, key=lambda p: p.id):
        group = practice.translation_group
        if group and (group not in found or practice.external_id == group):
            found[group] = practice
    return found


def original_id(practice: Practice) -> str | None:
    """The id of the published version this one translates; None for an original or a lone one."""
    if not practice.translation_group:
        return None
    family = db.session.scalars(
        select(Practice).where(
            Practice.translation_group == practice.translation_group, Practice.state == "published"
        )
    )
    original = originals(family).get(practice.translation_group)
    return original.external_id if original is not None and original.id != practice.id else None
