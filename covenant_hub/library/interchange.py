"""practices.jsonl in the interchange format, as a handler of the orgs domain's registry.

Imported practices are published write-ups (the format carries no workflow state); a second
import of the same file updates them by id. Export writes published practices only, so
export followed by import gives back the same records.

Language versions of one practice are linked by `translation_of` (our extension): the id of
the version it translates, which comes earlier in the file or is already in the database.
Export names the family's original (the version whose id is the family's key, else the oldest
published one) and writes it before its translations, so the file imports in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from covenant_hub.extensions import db
from covenant_hub.interchange.registry import FileHandler, ImportContext, ParsedLine
from covenant_hub.library import translations
from covenant_hub.library.models import RESULT_FIELDS, Practice
from covenant_hub.library.records import PracticeRecord
from covenant_hub.orgs import bulk
from covenant_hub.orgs.interchange.references import org_known


class PracticesFile(FileHandler):
    filename = "practices.jsonl"
    order = 40
    model = PracticeRecord  # the API's model: importer and API cannot disagree on a field

    def check(self, values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
        problems = []
        if not org_known(context, values["org"]):
            problems.append(("org", f"unknown organisation {values['org']!r}"))
        problems.extend(_translation_problems(values, context))
        if not problems:  # a good line: later lines may name it as the version they translate
            context.seen.setdefault(self.filename, {})[values["id"]] = values["language"]
        yield from problems

    def apply(self, lines: list[ParsedLine], context: ImportContext) -> tuple[int, int]:
        db.session.flush()  # organisations of this import get their primary keys
        org_ids = bulk.org_ids_by_external_id()
        existing = {
            p.external_id: p
            for p in db.session.scalars(
                select(Practice).where(Practice.external_id.in_([line.values["id"] for line in lines]))
            )
        }
        groups = _translation_groups([line.values for line in lines], existing)
        created = updated = 0
        for line in lines:
            practice = existing.get(line.values["id"])
            if practice is None:
                practice = Practice(external_id=line.values["id"], state="published")
                db.session.add(practice)
                created += 1
            else:
                updated += 1
            _fill(practice, line.values, org_ids[line.values["org"]])
            practice.translation_group = groups.get(line.values["id"], _kept_group(practice))
            if context.options.mark_sample:
                practice.is_sample = True
        return created, updated

    def export(self) -> Iterable[dict[str, Any]]:
        query = (
            select(Practice)
            .options(joinedload(Practice.owner))
            .where(Practice.state == "published")
            .order_by(Practice.external_id)
        )
        practices = list(db.session.scalars(query))
        originals = translations.originals(practices)
        families: dict[str, list[Practice]] = {}
        for practice in practices:
            families.setdefault(practice.translation_group or practice.external_id, []).append(practice)
        written: set[str] = set()
        for practice in practices:
            family = families[practice.translation_group or practice.external_id]
            if practice.external_id in written:
                continue
            original = originals.get(practice.translation_group or "", practice)
            for version in [original] + [p for p in family if p is not original]:
                written.add(version.external_id)
                yield practice_record(version, None if version is original else original.external_id)


def _translation_problems(values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
    """`translation_of` names an earlier line or a practice in the database, in another language."""
    target = values.get("translation_of")
    if not target:
        return
    if target == values["id"]:
        yield "translation_of", "a practice cannot be a translation of itself"
        return
    language = context.seen.get(PracticesFile.filename, {}).get(target)
    if language is None:
        known = db.session.scalar(select(Practice.language).where(Practice.external_id == target))
        if known is None:
            yield "translation_of", f"unknown practice {target!r} (the original must come first)"
            return
        language = known
    if language == values["language"]:
        yield "translation_of", f"{target!r} is in the same language ({language})"


def _translation_groups(lines: list[dict[str, Any]], existing: dict[str, Practice]) -> dict[str, str]:
    """id -> family key for the lines that are, or are named as, language versions."""
    by_id = {values["id"]: values for values in lines}
    stored = {
        p.external_id: p.translation_group
        for p in db.session.scalars(
            select(Practice).where(
                Practice.external_id.in_({v["translation_of"] for v in lines if v.get("translation_of")})
            )
        )
    }

    def family(external_id: str, depth: int = 0) -> str:
        values = by_id.get(external_id)
        if values is not None and values.get("translation_of") and depth < len(by_id):
            return family(values["translation_of"], depth + 1)
        if values is None:
            return stored.get(external_id) or external_id
        return external_id

    groups = {values["id"]: family(values["id"]) for values in lines if values.get("translation_of")}
    roots = {key for key in groups.values() if key in by_id}
    groups.update({root: root for root in roots})
    return groups


def _kept_group(practice: Practice) -> str | None:
    """A line with no link keeps its family only as its original (others may translate it)."""
    group = practice.translation_group
    return group if group == practice.external_id else None


def _fill(practice: Practice, values: dict[str, Any], org_id: int) -> None:
    practice.org_id = org_id
    practice.title = values["title"]
    practice.language = values["language"]
    practice.sectors = values.get("sectors", [])
    practice.tags = values.get("tags", [])
    practice.summary = values.get("summary", "")
    practice.body = values.get("body", "")
    practice.published = values.get("published")
    practice.state = "published"
    figures = values.get("results", {})
    for name in RESULT_FIELDS:
        setattr(practice, name, figures.get(name))


def practice_record(practice: Practice, translation_of: str | None = None) -> dict[str, Any]:
    """One line of practices.jsonl; empty optional fields are left out."""
    record: dict[str, Any] = {
        "id": practice.external_id,
        "org": practice.owner.external_id,
        "title": practice.title,
        "language": practice.language,
        "sectors": list(practice.sectors or []),
        "summary": practice.summary or None,
        "body": practice.body or None,
        "results": _results_record(practice) or None,
        "published": practice.published.isoformat() if isinstance(practice.published, date) else None,
        "tags": list(practice.tags or []),
        "translation_of": translation_of,
    }
    return {key: value for key, value in record.items() if value not in (None, [])}


def _results_record(practice: Practice) -> dict[str, float | int]:
    """Whole numbers are written as integers, as a person would type them."""
    return {
        name: int(value) if float(value).is_integer() else value for name, value in practice.results.items()
    }
