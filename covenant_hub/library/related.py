"""Related practices by text similarity: TF-IDF over published titles and summaries, cosine.

The model is fitted on demand and cached per process, keyed by the number of published
practices and their newest change, so a page view costs one small aggregate query plus a
sparse dot product; a publication anywhere refits the model once on the next request.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sklearn.feature_extraction.text import TfidfVectorizer
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from covenant_hub.extensions import db
from covenant_hub.library.models import Practice

EXTENSION_KEY = "library_related"
_lock = threading.Lock()


@dataclass
class RelatedModel:
    """A fitted vectoriser with the matrix of every published practice, row i = ids[i]."""

    key: tuple[Any, ...]
    ids: list[int]
    groups: list[str | None]
    vectorizer: TfidfVectorizer | None
    matrix: Any


WORD = re.compile(r"\w\w+", re.UNICODE)
STEM_CHARS = 6


def word_stems(text: str) -> list[str]:
    """Words cut to their first letters: a crude stemmer for Kyrgyz and Russian, whose
    endings vary a lot, that costs a tenth of character n-grams (10,000 practices fit in
    well under a second) and needs no language detection."""
    return [word[:STEM_CHARS] for word in WORD.findall(text.lower()) if not word.isdigit()]


def practice_text(practice: Any) -> str:
    """The text compared: the same for the fitted rows and the page's practice."""
    return f"{practice.title}\n{practice.summary or ''}"


def _current_key() -> tuple[Any, ...]:
    row = db.session.execute(
        select(func.count(Practice.id), func.max(Practice.updated_at), func.sum(Practice.id)).where(
            Practice.state == "published"
        )
    ).one()
    return tuple(row)


def _fit(key: tuple[Any, ...]) -> RelatedModel:
    rows = db.session.execute(
        select(Practice.id, Practice.translation_group, Practice.title, Practice.summary)
        .where(Practice.state == "published")
        .order_by(Practice.id)
    ).all()
    if len(rows) < 2:
        return RelatedModel(key, [], [], None, None)
    vectorizer = TfidfVectorizer(analyzer=word_stems, sublinear_tf=True, max_features=100_000)
    matrix = vectorizer.fit_transform(practice_text(r) for r in rows)
    return RelatedModel(key, [r.id for r in rows], [r.translation_group for r in rows], vectorizer, matrix)


def related_model() -> RelatedModel:
    """The cached model, refitted when the published set has changed."""
    key = _current_key()
    cached = current_app.extensions.get(EXTENSION_KEY)
    if cached is not None and cached.key == key:
        return cached
    with _lock:
        cached = current_app.extensions.get(EXTENSION_KEY)
        if cached is None or cached.key != key:
            cached = _fit(key)
            current_app.extensions[EXTENSION_KEY] = cached
    return cached


def related_practices(practice: Practice, limit: int = 5) -> list[Practice]:
    """The published practices most similar to this one: never one of its own translations,
    and one version of each other practice (the most similar one)."""
    model = related_model()
    if model.vectorizer is None:
        return []
    vector = model.vectorizer.transform([practice_text(practice)])
    scores = (model.matrix @ vector.T).toarray().ravel()
    ranked: list[int] = []
    families = {practice.translation_group or f"id:{practice.id}"}  # one version of each practice
    for index in scores.argsort()[::-1]:
        if scores[index] <= 0 or len(ranked) >= limit:
            break
        family = model.groups[index] or f"id:{model.ids[index]}"
        if model.ids[index] != practice.id and family not in families:
            families.add(family)
            ranked.append(model.ids[index])
    if not ranked:
        return []
    query = select(Practice).options(joinedload(Practice.owner)).where(Practice.id.in_(ranked))
    found = {p.id: p for p in db.session.scalars(query)}
    return [found[i] for i in ranked if i in found]
