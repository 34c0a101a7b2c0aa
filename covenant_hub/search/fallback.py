"""Search answered from the database while the index is missing, damaged or being rebuilt.

Plain substring matching (every word must appear in the title or body, ILIKE), newest first,
with the same visibility rules as the index: candidate rows become the same SearchDocuments the
indexer would write, and a hit is kept only when the viewer shares one of its audiences. Slower
and cruder than the index (no stemming, ASCII-only case folding on SQLite), but never wrong
about who may see what.
"""

from __future__ import annotations

import re
from collections import Counter

from markupsafe import escape
from sqlalchemy import and_, or_, select

from covenant_hub.extensions import db
from covenant_hub.search import documents
from covenant_hub.search.engine.results import SearchHit, SearchQuery, SearchResults
from covenant_hub.search.engine.schema import SearchDocument, date_number, resolve_language
from covenant_hub.search.permissions import may_see
from covenant_hub.search.sources import indexed

PER_TYPE = 200
SNIPPET_CHARS = 220
WORD = re.compile(r"\w[\w'-]*", re.UNICODE)


def _candidates(kind: str, words: list[str]) -> list[SearchDocument]:
    source = indexed()[kind]
    model = source.model
    cols = [getattr(model, name) for name in source.columns]
    every_word = and_(
        *(or_(*(col.ilike(f"%{_escape_like(w)}%", escape="\\") for col in cols)) for w in words)
    )
    ids = list(
        db.session.scalars(select(model.id).where(every_word).order_by(model.id.desc()).limit(PER_TYPE))
    )
    return list(documents.build(kind, documents.load(kind, ids))) if ids else []


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _wanted(q: SearchQuery, doc: SearchDocument) -> bool:
    if not may_see(q.audiences, doc.audience):
        return False
    if q.group_id and doc.group_id != q.group_id:
        return False
    return not (q.lang and resolve_language(doc) != q.lang)


def _mark(text: str, words: list[str]) -> str:
    """Escaped text with the query words wrapped in <mark> (the only markup let through).

    One pass over the raw text, escaping each piece: replacing words in already escaped text
    would also mark inside entities (`&lt;`) and inside earlier <mark> tags (a query `mark`).
    """
    if not words:
        return str(escape(text))
    pattern = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)),
                         re.IGNORECASE)  # fmt: skip
    out, cursor = [], 0
    for match in pattern.finditer(text):
        out.append(f"{escape(text[cursor : match.start()])}<mark>{escape(match.group(0))}</mark>")
        cursor = match.end()
    out.append(str(escape(text[cursor:])))
    return "".join(out)


def _hit(doc: SearchDocument, words: list[str]) -> SearchHit:
    body = doc.body.strip()
    lowered = body.lower()
    at = min((lowered.find(w.lower()) for w in words if w.lower() in lowered), default=0)
    start = max(0, at - 60)
    snippet = ("…" if start else "") + body[start : start + SNIPPET_CHARS]
    return SearchHit(doc.key, doc.type, doc.ext_id, doc.title, 0.0, resolve_language(doc),
                     date_number(doc.date), _mark(snippet, words), _mark(doc.title, words))  # fmt: skip


def search(q: SearchQuery) -> SearchResults:
    """Every-word substring search over titles and bodies, newest first, visibility applied.

    Visibility is ``q.audiences``, the same the index filters on (already computed by the caller).
    """
    words = [w for w in WORD.findall(q.text or "") if w.upper() not in ("AND", "OR", "NOT")][:8]
    if not words:
        return SearchResults([], 0, q.page, q.page_size)
    kinds = [k for k in indexed() if not q.types or k in q.types]
    docs = [d for kind in kinds for d in _candidates(kind, words) if _wanted(q, d)]
    docs.sort(key=lambda d: date_number(d.date), reverse=True)
    start = (max(1, q.page) - 1) * q.page_size
    hits = [_hit(d, words) for d in docs[start : start + q.page_size]]
    facets = {"type": sorted(Counter(d.type for d in docs).items(), key=lambda kv: -kv[1])}
    return SearchResults(hits, len(docs), q.page, q.page_size, facets=facets)
