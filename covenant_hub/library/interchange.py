"""practices.jsonl in the interchange format, as a handler of the orgs domain's registry.

Imported practices are published write-ups (the format carries no workflow state); a second
import of the same file updates them by id. Export writes published practices only, so
export followed by import gives back the same records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from covenant_hub.extensions import db
from covenant_hub.interchange.registry import FileHandler, ImportContext, ParsedLine
from covenant_hub.library.models import RESULT_FIELDS, Practice
from covenant_hub.library.records import PracticeRecord
from covenant_hub.orgs import bulk
from covenant_hub.orgs.interchange.references import org_known


class PracticesFile(FileHandler):
    filename = "practices.jsonl"
    order = 40
    model = PracticeRecord  # the API's model: importer and API cannot disagree on a field

    def check(self, values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
        if not org_known(context, values["org"]):
            yield "org", f"unknown organisation {values['org']!r}"

    def apply(self, lines: list[ParsedLine], context: ImportContext) -> tuple[int, int]:
        db.session.flush()  # organisations of this import get their primary keys
        org_ids = bulk.org_ids_by_external_id()
        existing = {
            p.external_id: p
            for p in db.session.scalars(
                select(Practice).where(Practice.external_id.in_([line.values["id"] for line in lines]))
            )
        }
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
        for practice in db.session.scalars(query):
            yield practice_record(practice)


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


def practice_record(practice: Practice) -> dict[str, Any]:
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
    }
    return {key: value for key, value in record.items() if value not in (None, [])}


def _results_record(practice: Practice) -> dict[str, float | int]:
    """Whole numbers are written as integers, as a person would type them."""
    return {
        name: int(value) if float(value).is_integer() else value for name, value in practice.results.items()
    }
