"""What a searchable document is, and how it maps onto Whoosh fields.

Each document's text goes into the field of its own language (``text_<lang>``), analysed with
the right stemmer; Kyrgyz text also feeds the edge n-gram field. Runs of words in a script its
language does not use ("LED" in Kyrgyz, an English title quoted in Russian) also go into the
field of their own language, so a Latin query word finds them with Latin analysis. Titles are
indexed twice so a word in the title weighs more than one in the body (cheaper than a title
field per language). Only what the result list and highlighting need is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from whoosh import columns, fields

from covenant_hub.language.analysis import KYRGYZ, LANGUAGES, EdgeGramAnalyzer, LanguageAnalyzer
from covenant_hub.language.detection import detect_language, foreign_runs

DOC_TYPES = ("practice", "thread", "post", "organisation", "event", "news")
GRAM_FIELD = "grams_ky"
FACET_FIELDS = ("type", "sector", "country", "lang", "kind", "year")
FILTER_FIELDS = (*FACET_FIELDS, "group")
STORED_BODY_CHARS = 4000


def text_field(lang: str) -> str:
    """The Whoosh field holding text in ``lang``."""
    return f"text_{lang}"


@dataclass(frozen=True)
class SearchDocument:
    """One indexable record, as the owning domain describes it (plain data, no ORM)."""

    key: str  # unique, "<type>:<external id>"
    type: str
    ext_id: str
    title: str
    body: str = ""
    language: str | None = None  # detected when missing
    sectors: tuple[str, ...] = ()
    country: str | None = None
    org_kind: str | None = None
    year: int | None = None
    date: dt.date | None = None
    audience: tuple[str, ...] = ("public",)  # "public", "group:12", "user:5"; empty = nobody
    group_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def build_schema() -> fields.Schema:
    """The index schema: keys and filters, one text field per language, the n-gram field."""
    schema = fields.Schema(
        key=fields.ID(unique=True, stored=True),
        type=fields.ID(stored=True),
        ext_id=fields.STORED(),
        title=fields.STORED(),
        body=fields.STORED(),
        lang=fields.ID(stored=True),
        sector=fields.KEYWORD(commas=True),
        country=fields.ID(),
        kind=fields.ID(),
        year=fields.ID(),
        group=fields.ID(),
        audience=fields.KEYWORD(commas=True),
        # A column, not NUMERIC: numeric fields index eight range-tier terms per value, and we
        # only ever sort by date (ranges go through "year").
        date=fields.COLUMN(columns.NumericColumn("I", default=0)),
        day=fields.STORED(),
        # A hash of everything below that was indexed for the document: `search check` compares
        # it with the hash of the document the database gives now (an edit the index missed).
        hash=fields.STORED(),
    )
    for lang in LANGUAGES:
        schema.add(text_field(lang), fields.TEXT(analyzer=LanguageAnalyzer(lang), phrase=True))
    schema.add(GRAM_FIELD, fields.TEXT(analyzer=EdgeGramAnalyzer(), phrase=False))
    return schema


def schema_signature(schema: fields.Schema) -> list[tuple[str, ...]]:
    """What must match for an index on disk to be searchable with this code's schema."""
    out: list[tuple[str, ...]] = []
    for name in sorted(schema.names()):
        field_type = schema[name]
        analyzer = getattr(field_type, "analyzer", None)
        out.append((
            name, type(field_type).__name__, type(getattr(field_type, "format", None)).__name__,
            f"{type(analyzer).__name__}:{getattr(analyzer, 'lang', '')}" if analyzer is not None else "",
            type(getattr(field_type, "column_type", None)).__name__,
        ))  # fmt: skip
    return out


def date_number(day: dt.date | None) -> int:
    """Dates sort as yyyymmdd integers (0 = undated, sorts last when newest first)."""
    return day.year * 10000 + day.month * 100 + day.day if day else 0


def resolve_language(doc: SearchDocument) -> str:
    """The analyser language of a document: its own if we have one, else detected."""
    lang = (doc.language or "").lower()
    if lang in LANGUAGES:
        return lang
    if lang:
        return "xx"
    return detect_language(f"{doc.title}\n{doc.body}")


def to_fields(doc: SearchDocument) -> dict[str, Any]:
    """The keyword arguments for ``writer.update_document``."""
    lang = resolve_language(doc)
    text = f"{doc.title}\n{doc.title}\n{doc.body}"
    values: dict[str, Any] = {
        "key": doc.key,
        "type": doc.type,
        "ext_id": doc.ext_id,
        "title": doc.title,
        "body": doc.body[:STORED_BODY_CHARS],
        "lang": lang,
        "audience": ",".join(doc.audience),
        "date": date_number(doc.date),
        "day": date_number(doc.date),
        text_field(lang): text,
    }
    optional = {
        "sector": ",".join(doc.sectors),
        "country": (doc.country or "").lower(),
        "kind": doc.org_kind or "",
        "year": str(doc.year) if doc.year else "",
        "group": doc.group_id or "",
    }
    values.update({name: value for name, value in optional.items() if value})
    if lang == KYRGYZ:
        values[GRAM_FIELD] = text
    for other, run_text in foreign_runs(text, lang).items():
        values[text_field(other)] = run_text
        if other == KYRGYZ:
            values[GRAM_FIELD] = run_text
    values["hash"] = fields_hash(values)
    return values


def fields_hash(values: dict[str, Any]) -> str:
    """A short hash of the indexed values (without ``hash`` itself), stable across processes."""
    plain = {name: value for name, value in values.items() if name != "hash"}
    encoded = json.dumps(plain, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.blake2b(encoded, digest_size=12).hexdigest()
