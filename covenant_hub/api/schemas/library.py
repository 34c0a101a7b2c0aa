"""Best practices: the interchange record (practices.jsonl and the API share it) and the writes."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from covenant_hub.api.schemas.common import Code, Model, Page, PageQuery
from covenant_hub.api.schemas.orgs import Sector
from covenant_hub.library.records import PracticeRecord, RecordId, Results, Tag, Title  # noqa: F401
from covenant_hub.library.services import MAX_BODY_CHARS, MAX_SUMMARY_CHARS, MAX_TAGS


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
    translation_of: str | None = Field(None, description="The id of the version this one translates")
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
    title: Title
    language: Code
    summary: str = Field("", max_length=MAX_SUMMARY_CHARS)
    body: str = Field("", max_length=MAX_BODY_CHARS)
    sectors: list[Sector] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    results: Results = Field(default_factory=dict)
