"""Turning a search URL's arguments into a SearchQuery, and facet links back into URLs.

Shared by the search page and the API so both read ``q``, ``type``, ``sector``, ``country``,
``doc_lang``, ``kind``, ``year``, ``group``, ``sort`` and ``page`` the same way. Unknown or
malformed values are dropped, never an error: a search URL is user input.

The results' language is ``doc_lang``, never ``lang``: ``?lang=`` chooses the interface's language
on every page, and a facet that reused it turned a Kyrgyz interface Russian. An old link's
``lang`` still filters the results (the page redirects it to ``doc_lang``; the API reads both).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from covenant_hub.inputs import parse_int
from covenant_hub.search.engine.results import SearchQuery
from covenant_hub.search.engine.schema import DOC_TYPES

MAX_QUERY_CHARS = 300
MAX_PAGE = 1000
FACET_ARGS = {"type": "types", "sector": "sectors", "country": "countries", "kind": "kinds", "year": "years"}
SORTS = ("relevance", "date")
DOC_LANG_ARG = "doc_lang"


def arg_name(facet: str) -> str:
    """The URL argument of a facet: the results' language is `doc_lang`, the others their name."""
    return DOC_LANG_ARG if facet == "lang" else facet


def legacy_args(args: Any) -> dict[str, Any] | None:
    """An old search URL's arguments with its result-language `lang` renamed `doc_lang`, or
    None when the URL has no such `lang` (nothing to redirect)."""
    if "lang" not in args or DOC_LANG_ARG in args:
        return None
    renamed = {key: args.getlist(key) for key in args if key != "lang"}
    renamed[DOC_LANG_ARG] = args.get("lang")
    return renamed


def _values(args: Any, name: str) -> tuple[str, ...]:
    raw = args.getlist(name) if hasattr(args, "getlist") else ([args[name]] if name in args else [])
    out: list[str] = []
    for value in raw:
        out += [v.strip()[:60] for v in str(value).split(",") if v.strip()]
    return tuple(dict.fromkeys(out))[:20]


def _page(raw: str | None) -> int:
    number = parse_int(raw)
    return 1 if number is None else min(number, MAX_PAGE)


def query_from_args(
    args: Mapping[str, Any], audiences: tuple[str, ...], user_lang: str | None, page_size: int = 10
) -> SearchQuery:
    """The SearchQuery a search URL asks for, limited to what ``audiences`` may see."""
    filters = {field: _values(args, name) for name, field in FACET_ARGS.items()}
    filters["types"] = tuple(t for t in filters["types"] if t in DOC_TYPES)
    filters["countries"] = tuple(c.lower() for c in filters["countries"])
    group = (args.get("group") or "").strip()
    lang = (args.get(DOC_LANG_ARG) or args.get("lang") or "").strip().lower()[:8]
    sort = args.get("sort") if args.get("sort") in SORTS else "relevance"
    return SearchQuery(
        text=(args.get("q") or "")[:MAX_QUERY_CHARS], audiences=audiences, user_lang=user_lang,
        lang=lang or None, group_id=group if parse_int(group) is not None else None, sort=sort,
        page=_page(args.get("page")), page_size=page_size, **filters,
    )  # fmt: skip


def active_filters(q: SearchQuery) -> dict[str, tuple[str, ...]]:
    """URL argument -> chosen values, for checkboxes and "remove filter" links."""
    chosen = {name: getattr(q, field) for name, field in FACET_ARGS.items()}
    if q.lang:
        chosen[DOC_LANG_ARG] = (q.lang,)
    return {name: values for name, values in chosen.items() if values}


def url_args(q: SearchQuery, /, **changes: Any) -> dict[str, Any]:
    """The arguments of this search's URL with ``changes`` (None removes an argument)."""
    args: dict[str, Any] = {"q": q.text, **{k: list(v) for k, v in active_filters(q).items()}}
    if q.group_id:
        args["group"] = q.group_id
    if q.sort != "relevance":
        args["sort"] = q.sort
    args.update(changes)
    return {k: v for k, v in args.items() if v not in (None, [], "")}


def toggle(q: SearchQuery, name: str, value: str) -> dict[str, Any]:
    """Arguments with one facet value switched on or off (and back to page 1)."""
    name = arg_name(name)
    current = list(active_filters(q).get(name, ()))
    updated = [v for v in current if v != value] if value in current else [*current, value]
    if name == DOC_LANG_ARG:
        updated = updated[-1:]
    return url_args(q, **{name: updated or None, "page": None})
