"""The practices file's record (practices.jsonl), which the JSON API's practice writes share:
the importer and the API accept the same values."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from covenant_hub.library.models import RESULT_FIELDS
from covenant_hub.library.services import MAX_TAG_CHARS
from covenant_hub.records import Code, Model, Sector

ResultName = Literal[RESULT_FIELDS]  # type: ignore[valid-type]
#: A figure: a JSON number, never a string or true/false that would read as one.
ResultValue = Annotated[float, Field(ge=0, le=1e12, strict=True)]
#: The shared field types: the API's writes and the importer's lines accept the same values.
Results = dict[ResultName, ResultValue | None]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TAG_CHARS)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
RecordId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class PracticeRecord(Model):
    """One line of practices.jsonl: a published write-up (the importer validates with it)."""

    id: RecordId
    org: RecordId = Field(description="The owner organisation's id")
    title: Title
    language: Code
    sectors: list[Sector] = Field(default_factory=list)
    summary: str | None = None
    body: str | None = None
    results: Results | None = None
    published: Annotated[date, Field(strict=True)] | None = None  # YYYY-MM-DD, not a timestamp
    tags: list[Tag] = Field(default_factory=list)
    translation_of: RecordId | None = Field(
        None,
        description="The id of the practice this one translates (an earlier line, or a practice already"
        " known): its language versions are one practice",
    )
