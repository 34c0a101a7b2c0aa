"""Best practices: the interchange record (practices.jsonl and the API share it) and the writes."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, NonNegativeFloat

from covenant_hub.api.schemas.common import Code, Model, Page, PageQuery
from covenant_hub.api.schemas.orgs import Sector
from covenant_hub.library.models import RESULT_FIELDS
from covenant_hub.library.services import MAX_BODY_CHARS, MAX_SUMMARY_CHARS, MAX_TAG_CHARS, MAX_TAGS

ResultName = Literal[RESULT_FIELDS]  # type: ignore[valid-type]
Tag = Field(max_length=MAX_TAG_CHARS)


class PracticeRecord(Model):
    """One line of practices.jsonl: a published write-up."""

    id: str = Field(min_length=1, max_length=120)
    org: str = Field(min_length=1, max_length=120, description="The owner organisation's id")
    title: str = Field(min_length=1, max_length=300)
    language: Code
    sectors: list[Sector] = Field(default_factory=list)
    summary: str | None = None
    body: str | None = None
    results: dict[ResultName, NonNegativeFloat | None] | None = None
    published: date | None = None
    tags: list[str] = Field(default_factory=list)


class KeyFigures(BaseModel):
    eur_per_t_co2: float | None
    t_co2_per_1000_inhabitants: float | None


class PracticeOut(BaseModel):
    """The interchange record plus its state, derived key figures and the page's address."""

    id: str
    org: str
    title: str
    language: str
    sectors: list[str] = Field(default_factory=list)
    summary: str | None = None
    body: str | None = None
    results: dict[str, float] | None = None
    published: date | None = None
    tags: list[str] = Field(default_factory=list)
    state: Literal["draft", "submitted", "published", "archived"]
    key_figures: KeyFigures
    url: str


class PracticePage(Page[PracticeOut]):
    pass


class PracticeQuery(PageQuery):
    lang: Code | None = Field(None, description="The practices' language (also sets the messages' language)")
    sector: Sector | None = None
    mine: bool = Field(False, description="Every state of the caller's organisations' practices")


class PracticeWrite(Model):
    """A draft's content; `org` is needed to create one, and ignored when updating."""

    org: str | None = Field(None, max_length=120, description="The owner organisation's id (create only)")
    title: str = Field(min_length=1, max_length=300)
    language: Code
    summary: str = Field("", max_length=MAX_SUMMARY_CHARS)
    body: str = Field("", max_length=MAX_BODY_CHARS)
    sectors: list[Sector] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    results: dict[ResultName, NonNegativeFloat | None] = Field(default_factory=dict)
