"""Search: every argument is read leniently (a search URL is user input and never fails)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from covenant_hub.api.schemas.common import QueryModel


class SearchArgs(QueryModel):
    """Unknown or malformed values are dropped, as on the search page."""

    q: str = Field("", description="The words to find (at most 300 characters are used)")
    type: list[str] = Field(default_factory=list, description="practice, thread, post, org, event")
    sector: list[str] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list)
    kind: list[str] = Field(default_factory=list)
    year: list[str] = Field(default_factory=list)
    lang: str | None = Field(None, description="Only results in this language")
    group: str | None = Field(None, description="Only posts of this group (its number)")
    sort: str | None = Field(None, description="relevance (default) or date")
    page: str | None = Field(None, description="From 1; anything else means 1")


class SearchHit(BaseModel):
    type: str
    id: str
    title: str
    score: float
    lang: str | None
    snippet: Any = Field(description="Highlighted text as HTML, or null")
    url: str | None
    matched_by: str = Field(
        "words",
        description="words; meaning: found by the semantic search alone; translation: only by the "
        "glossary's translations of the query's words",
    )


class SearchOut(BaseModel):
    query: str
    total: int
    total_is_estimate: bool = Field(False, description="true: the total is an estimate (results by meaning)")
    page: int
    pages: int
    results: list[SearchHit]
    facets: dict[str, list[tuple[str, int]]]
    suggestion: str | None
    degraded: bool
    semantic: str = Field("off", description="on: fused with results by meaning; unavailable: words only")
