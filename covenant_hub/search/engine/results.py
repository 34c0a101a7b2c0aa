"""The plain data passed in and out of the search engine."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchQuery:
    """A search as the caller asks it; ``audiences`` are what the viewer may see."""

    text: str
    audiences: tuple[str, ...] = ("public",)
    user_lang: str | None = None
    lang: str | None = None  # only documents in this language
    types: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    group_id: str | None = None  # search within one group
    sort: str = "relevance"  # or "date" (newest first)
    page: int = 1
    page_size: int = 10
    facets: bool = True
    highlight: bool = True
    suggest: bool = True
    exact_total: bool = True  # False lets the engine skip counting every match
    translate: bool = True  # Kyrgyz and Russian words also searched as their glossary equivalents


@dataclass(frozen=True)
class SearchHit:
    """One result; ``snippet`` and ``title_html`` are HTML-escaped apart from <mark> tags."""

    key: str
    type: str
    ext_id: str
    title: str
    score: float
    lang: str
    date: int = 0  # yyyymmdd, 0 when undated
    snippet: str = ""
    title_html: str = ""
    matched_by: str = "words"  # "meaning": by the semantic search alone; "translation": by glossary terms


@dataclass(frozen=True)
class SearchResults:
    """A page of hits with the facts a search page shows around them."""

    hits: list[SearchHit]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    fallback: bool = False  # the query syntax was not understood; plain words were searched
    relaxed: bool = False  # no document had every word; these have some of them
    total_is_estimate: bool = False
    semantic: str = "off"  # "on": fused with the nearest by meaning; "unavailable": keyword only

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size)) if self.page_size else 1
