"""Text profiles as TF-IDF: what each organisation needs, and what it offers or has done.

GCoM organisations have little more than a name, so most profiles are empty: an empty profile
gives a zero vector and a zero similarity, and the ranker simply leans on its other signals.
The vectoriser is fitted on a full rebuild; an incremental refresh re-transforms one
organisation's text with the fitted vocabulary (new words wait for the next rebuild).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from covenant_hub.language.analysis import KYRGYZ, term_table
from covenant_hub.language.detection import detect_language
from covenant_hub.matching.engine.records import OrgRecord, PracticeRecord
from covenant_hub.matching.engine.sparse import PatchedMatrix

TOKEN = re.compile(r"(?u)\b[^\W\d_]{3,}\b")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
CYRILLIC_LANGUAGES = (KYRGYZ, "ru")

# Words the search's stop-word lists keep but that explain no match: every profile here is a
# city looking for help, so "city", "город", "шаар" or "need" say nothing about what it needs.
# Dropped after stemming, so their inflected forms (cities, городов, шаарлар) go too.
FILLER_WORDS: dict[str, tuple[str, ...]] = {
    "en": tuple(
        "who whom whose which what where when why how also can could would should may must "
        "about all any some other such more most many much very just only been being do does "
        "did done want wants like looking look need needs needed help helps us".split()
        + "city cities town towns municipality municipalities village villages".split()
    ),
    "ru": tuple(
        "который которая которое которые которого которой которым которыми которых "
        "чем кем чей где когда почему зачем можно нужно надо нам наш наша наше наши "
        "свой своя свое свои хотим хотели ищем ищет нужен нужна нужны также уже очень "
        "город города городу городом городе городов городам городах "
        "муниципалитет муниципалитета муниципалитеты село села".split()
    ),
    KYRGYZ: tuple(
        "ким кимдер эмне эмнеге кайда качан кантип биздин бизге бизди керек керектүү "
        "издейбиз каалайбыз дагы абдан өтө шаар шаары шаарлар шаарлары айыл айылы "
        "муниципалитет".split()
    ),
}


@lru_cache(maxsize=8)
def _filler_terms(lang: str) -> frozenset[str]:
    table = term_table(lang)
    return frozenset(t for t in map(table.term, FILLER_WORDS.get(lang, ())) if t)


@lru_cache(maxsize=8192)
def cyrillic_language(text: str) -> str:
    """Kyrgyz or Russian, for the Cyrillic words of a text (the search's detector decides)."""
    found = detect_language(text, CYRILLIC_LANGUAGES)
    return found if found in CYRILLIC_LANGUAGES else "ru"


def analyse_words(text: str) -> list[tuple[str, str]]:
    """(term, word as written) for each content word of three letters or more.

    The search's own analysis does the work: Cyrillic words with the Kyrgyz or the Russian
    analyser (whichever language the text is in), Latin-script words with the English one;
    each drops its stop words, stems and folds accents, so "énergie" and "energie" meet.
    Words that say nothing about a need (FILLER_WORDS) go as well."""
    words = TOKEN.findall(text)
    cyrillic = cyrillic_language(text) if CYRILLIC.search(text) else "ru"
    out = []
    for word in words:
        lang = cyrillic if CYRILLIC.search(word) else "en"
        term = term_table(lang).term(word.lower())
        if term and term not in _filler_terms(lang):
            out.append((term, word if word.isupper() else word.lower()))  # "LED" stays LED
    return out


def analyse(text: str) -> list[str]:
    """The TF-IDF terms of a text (see `analyse_words`)."""
    return [term for term, _ in analyse_words(text)]


def readable_terms(text: str, stems: list[str]) -> list[str]:
    """The reasons show words as the person wrote them ("замену", not the stem "замен"): each
    term becomes its first word in ``text``; a term ``text`` does not contain is left out (a
    stem is no word to show)."""
    words: dict[str, str] = {}
    for term, word in analyse_words(text):
        words.setdefault(term, word)
    return [words[stem] for stem in stems if stem in words]


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
    def build(
        cls, rows: list[tuple[int, str, str]], capacity: int, vectorizer: TfidfVectorizer | None = None
    ) -> TextIndex:
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
            target.base = sparse.csr_matrix(
                (matrix.data, (row_ids[matrix.row], matrix.col)), shape=(capacity, width)
            )
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
        return np.asarray(getattr(self, side).matvec_sparse(query))

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
    vectorizer = TfidfVectorizer(
        analyzer=analyse, sublinear_tf=True, min_df=1, max_df=0.5 if len(texts) > 50 else 1.0
    )
    try:
        vectorizer.fit(texts)
    except ValueError:  # every word pruned: nothing to compare
        return None
    return vectorizer
