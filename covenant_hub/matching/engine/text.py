"""Text profiles as TF-IDF: what each organisation needs, and what it offers or has done.

GCoM organisations have little more than a name, so most profiles are empty: an empty profile
gives a zero vector and a zero similarity, and the ranker simply leans on its other signals.
The vectoriser is fitted on a full rebuild; an incremental refresh re-transforms one
organisation's text with the fitted vocabulary (new words wait for the next rebuild).
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import Stemmer
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from covenant_hub.matching.engine.records import OrgRecord, PracticeRecord
from covenant_hub.matching.engine.sparse import PatchedMatrix

TOKEN = re.compile(r"(?u)\b[^\W\d_]{3,}\b")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_STEMMERS: dict[str, Stemmer.Stemmer] = {}


def analyse(text: str) -> list[str]:
    """Words of three letters or more, stemmed by script: the Russian Snowball stemmer for
    Cyrillic (it also strips the commonest Kyrgyz endings), English for Latin script; accents
    are dropped so "énergie" and "energie" meet."""
    words = TOKEN.findall(text.lower())
    out = []
    for word in words:
        if CYRILLIC.search(word):
            out.append(_stemmer("russian").stemWord(word))
        else:
            plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode() or word
            out.append(_stemmer("english").stemWord(plain))
    return out


# Filler words that share a stem with everything written in that language; they explain nothing.
FILLER_WORDS = frozenset(
    "который которая которое которые которого которой которым которых также уже это этот эта эти "
    "для при или как что чтобы the and for with which that this from have has our their".split()
)


def readable_terms(text: str, stems: list[str]) -> list[str]:
    """The reasons show words as the person wrote them ("замену", not the stem "замен"): each stem
    becomes its first word in ``text``; stems of filler words are dropped, unknown stems kept."""
    words: dict[str, str] = {}
    for word in TOKEN.findall(text.lower()):
        words.setdefault(analyse(word)[0], word)
    return [words.get(stem, stem) for stem in stems if words.get(stem, stem) not in FILLER_WORDS]


def _stemmer(language: str) -> Stemmer.Stemmer:
    if language not in _STEMMERS:
        _STEMMERS[language] = Stemmer.Stemmer(language)
    return _STEMMERS[language]


def need_text(org: OrgRecord) -> str:
    return " ".join(part for part in (org.needs, org.description) if part)


def offer_text(org: OrgRecord, practices: list[PracticeRecord]) -> str:
    done = " ".join(f"{p.title} {p.summary} {' '.join(p.sectors)}" for p in practices)
    return " ".join(part for part in (org.offers, org.description, " ".join(org.sectors), done) if part)


class TextIndex:
    """Row-aligned with `GraphIndex`: `needs[row]` and `offers[row]` are L2-normalised."""

    def __init__(self, vectorizer: TfidfVectorizer | None, capacity: int, width: int) -> None:
        self.vectorizer = vectorizer
        self.terms: np.ndarray | None = None  # column -> word, filled on first use
        self.needs = PatchedMatrix(sparse.csr_matrix((capacity, width)))
        self.offers = PatchedMatrix(sparse.csr_matrix((capacity, width)))

    @classmethod
    def build(cls, rows: list[tuple[int, str, str]], capacity: int,
              vectorizer: TfidfVectorizer | None = None) -> TextIndex:
        """`rows` holds (row, need text, offer text); fits the vocabulary unless one is given."""
        texts = [t for _, need, offer in rows for t in (need, offer)]
        if vectorizer is None:
            vectorizer = _fit(texts)
        if vectorizer is None:
            return cls(None, capacity, 1)
        width = len(vectorizer.vocabulary_)
        index = cls(vectorizer, capacity, width)
        row_ids = np.array([r for r, _, _ in rows], dtype=np.int32)
        for target, column in ((index.needs, 1), (index.offers, 2)):
            matrix = vectorizer.transform([r[column] for r in rows]).tocoo()
            target.base = sparse.csr_matrix((matrix.data, (row_ids[matrix.row], matrix.col)),
                                            shape=(capacity, width))
        return index

    def set_texts(self, row: int, need: str, offer: str) -> None:
        """Replace one organisation's vectors; cost proportional to its own text."""
        if self.vectorizer is None:
            return
        for target, text in ((self.needs, need), (self.offers, offer)):
            vector = self.vectorizer.transform([text]).tocsr()
            target.set_row(row, vector.indices, vector.data)

    def grow(self, capacity: int) -> None:
        self.needs.grow(capacity)
        self.offers.grow(capacity)

    def query(self, text: str) -> sparse.csr_matrix | None:
        if self.vectorizer is None or not text.strip():
            return None
        vector = self.vectorizer.transform([text]).tocsr()
        return vector if vector.nnz else None

    def similarity(self, query: sparse.csr_matrix | None, side: str) -> np.ndarray | None:
        """Cosine of the query with every row's `needs` or `offers`; None without a query."""
        if query is None:
            return None
        return getattr(self, side).matvec_sparse(query)

    def shared_terms(self, query: sparse.csr_matrix | None, row: int, limit: int = 3) -> list[str]:
        """The heaviest words a query shares with a row's offers (for the reasons)."""
        if query is None or self.vectorizer is None:
            return []
        cols, vals = self.offers.row(row)
        weights = dict(zip(query.indices, query.data, strict=True))
        scored = sorted(((vals[i] * weights[c], c) for i, c in enumerate(cols) if c in weights), reverse=True)
        if self.terms is None:
            self.terms = self.vectorizer.get_feature_names_out()
        return [str(self.terms[c]) for _, c in scored[:limit]]


def _fit(texts: list[str]) -> TfidfVectorizer | None:
    """A vectoriser over all profiles, or None when no profile has a usable word."""
    if not any(t.strip() for t in texts):
        return None
    vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, min_df=1,
                                 max_df=0.5 if len(texts) > 50 else 1.0)
    try:
        vectorizer.fit(texts)
    except ValueError:  # every word pruned: nothing to compare
        return None
    return vectorizer
