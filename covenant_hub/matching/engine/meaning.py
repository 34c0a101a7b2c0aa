"""Needs against offers and practices by meaning, across languages, beside the TF-IDF profiles.

A Kyrgyz city's need ("мектептердин чатырын жылуулоо") and an English supporter's practice
("Insulating school roofs") share no word, so TF-IDF gives them nothing; their embeddings
(the search's model) are close. Practices bring the vectors the search already stored for them
(``practice:<id>``: title with body, and title alone); an organisation's own ``offers`` text
and its needs are embedded here, the needs as queries, one vector for the whole need and one for
each of its clauses, so a reason can quote the clause a practice answers. The offer side is a
``SemanticIndex``, centred per language like the search's, so scores compare across languages.

Only similarities of at least ``MIN_SIMILARITY`` count (below it, two texts are merely on
the same planet); the engine takes the larger of this and the TF-IDF cosine, so a same-language
match keeps its score. Without an embedder (the model missing or off) no ``MeaningIndex`` is
built and the text features are TF-IDF alone. Knows nothing of Flask or of the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from covenant_hub.language.detection import detect_language
from covenant_hub.language.embedding import Embedder, document_views
from covenant_hub.language.semantic import VIEWS, SemanticIndex
from covenant_hub.matching.engine.records import OrgRecord, PracticeRecord

MIN_SIMILARITY = 0.2
CLAUSE = re.compile(r"[^.;!?\n]+")
CLAUSE_WORDS = 12  # a quoted clause is cut to this many words
MIN_PER_LANGUAGE = 20


@dataclass(frozen=True)
class Need:
    """A need's raw query vectors (row 0: the whole text; then one per clause) and clauses."""

    text: str
    lang: str
    vectors: np.ndarray
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class MeaningMatch:
    """Why a candidate matched by meaning: its practice (``practice`` id) or its own offer
    text (``offer``), and the clause of the need it answers."""

    score: float
    clause: str
    practice: int | None = None
    offer: str = ""


def clauses_of(text: str) -> list[str]:
    """The sentences and ';'-separated parts of a text, each cut to CLAUSE_WORDS words."""
    out = []
    for part in CLAUSE.findall(text):
        words = part.split()
        if len(words) >= 2:
            out.append(" ".join(words[:CLAUSE_WORDS]))
    return out


class MeaningIndex:
    """Offer vectors (practices and offer texts) and need vectors, by organisation id."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder: Embedder | None = embedder
        self.offers = SemanticIndex(embedder.dim, MIN_PER_LANGUAGE)
        self.owner: dict[str, int] = {}  # offer key -> organisation id
        self.texts: dict[str, str] = {}  # offer key -> the text it stands for
        self.keys_of: dict[int, set[str]] = {}
        self.needs: dict[int, Need] = {}
        self._owners = np.zeros(0, np.int64)  # store row -> organisation id

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["embedder"] = None  # a loaded model is no part of the saved artefact
        return state

    @classmethod
    def build(
        cls,
        embedder: Embedder,
        orgs: list[OrgRecord],
        practices: list[PracticeRecord],
        stored: dict[str, tuple[str, np.ndarray]],
    ) -> MeaningIndex:
        """``stored`` maps ``practice:<id>`` to (language, raw vectors) as the search keeps them."""
        index = cls(embedder)
        keys, langs, rows = [], [], []
        for practice in practices:
            key = f"practice:{practice.id}"
            if practice.id > 0 and key in stored:
                keys.append(key)
                langs.append(stored[key][0])
                rows.append(stored[key][1])
                index._own(key, practice.org_id, practice.title)
        if keys:
            index._upsert(keys, langs, np.stack(rows).astype(np.float32))
        offered = [o for o in orgs if o.offers.strip()]
        if offered:
            index._put_offers(offered)
        for org in orgs:
            index.set_need(org)
        return index

    # -- writing -------------------------------------------------------------------------------

    def _own(self, key: str, org_id: int, text: str) -> None:
        self.owner[key] = org_id
        self.texts[key] = text
        self.keys_of.setdefault(org_id, set()).add(key)

    def _upsert(self, keys: list[str], langs: list[str], vectors: np.ndarray) -> None:
        self.offers.upsert(keys, langs, vectors)
        rows = len(self.offers.keys)
        if rows > len(self._owners):
            self._owners = np.concatenate([self._owners, np.full(rows - len(self._owners), -1, np.int64)])
        for key in keys:
            self._owners[self.offers.row_of(key)] = self.owner[key]

    def _put_offers(self, orgs: list[OrgRecord]) -> None:
        if self.embedder is None:
            return
        texts = [o.offers for o in orgs]
        views = document_views(self.embedder, texts, texts)
        keys = [f"offer:{o.id}" for o in orgs]
        for key, org in zip(keys, orgs, strict=True):
            self._own(key, org.id, org.offers)
        self._upsert(keys, [detect_language(t) for t in texts], views)

    def set_need(self, org: OrgRecord) -> None:
        """(Re-)embed an organisation's needs when their text changed."""
        text = org.needs.strip()
        known = self.needs.get(org.id)
        if known is not None and known.text == text:
            return
        if not text or self.embedder is None:
            self.needs.pop(org.id, None)
            return
        clauses = tuple(clauses_of(text)) or (text,)
        vectors = self.embedder.embed_queries([text, *clauses])
        self.needs[org.id] = Need(text, detect_language(text), vectors, clauses)

    def put_org(self, org: OrgRecord) -> None:
        """One organisation changed: its needs and its own offer text."""
        self.set_need(org)
        key = f"offer:{org.id}"
        if self.texts.get(key) == org.offers:
            return
        self.offers.remove([key])
        if org.offers.strip():
            self._put_offers([org])

    def put_practice(self, practice: PracticeRecord, present: bool, vectors: np.ndarray | None) -> None:
        """A practice published (with the search's stored ``vectors`` when it has them) or withdrawn."""
        key = f"practice:{practice.id}"
        if not present:
            self.offers.remove([key])
            return
        if vectors is not None:  # else an edit keeps the vector it had until the next rebuild
            self._own(key, practice.org_id, practice.title)
            self._upsert([key], [practice.language or detect_language(practice.title)],
                         vectors.reshape(1, VIEWS, -1).astype(np.float32))  # fmt: skip

    # -- reading -------------------------------------------------------------------------------

    def offer_scores(self, org_id: int, candidate_ids: np.ndarray) -> np.ndarray:
        """For each candidate organisation id, its best offer's similarity to ``org_id``'s need."""
        need = self.needs.get(org_id)
        out = np.zeros(len(candidate_ids))
        if need is None or len(self.offers) == 0:
            return out
        scores = self.offers.similarities(need.vectors[0], need.lang)
        owners = self._owners[: len(scores)]
        best: dict[int, float] = {}
        for row in np.flatnonzero(scores >= MIN_SIMILARITY):
            owner = int(owners[row])
            best[owner] = max(best.get(owner, 0.0), float(scores[row]))
        if best:
            out = np.array([best.get(int(c), 0.0) for c in candidate_ids])
        return out

    def need_scores(self, org_id: int, candidate_ids: np.ndarray) -> np.ndarray:
        """For each candidate, how well ``org_id``'s offers and practices answer its need."""
        mine = sorted(k for k in self.keys_of.get(org_id, ()) if self.offers.has(k))
        out = np.zeros(len(candidate_ids))
        if not mine:
            return out
        rows = self.offers.centred_rows(mine)
        for position, candidate in enumerate(candidate_ids.tolist()):
            need = self.needs.get(int(candidate))
            if need is not None:
                best = float(np.max(rows @ self.offers.centre_query(need.vectors[0], need.lang)))
                out[position] = best if best >= MIN_SIMILARITY else 0.0
        return out

    def best_match(self, need_org: int, offer_org: int) -> MeaningMatch | None:
        """The candidate's offer or practice closest to the need, and the clause it answers."""
        need = self.needs.get(need_org)
        keys = sorted(k for k in self.keys_of.get(offer_org, ()) if self.offers.has(k))
        if need is None or not keys:
            return None
        scores = self.offers.scores_for(need.vectors[0], need.lang, keys)
        key = max(keys, key=lambda k: (scores.get(k, -1.0), k))
        if scores.get(key, -1.0) < MIN_SIMILARITY:
            return None
        row = self.offers.centred_rows([key])[0]
        clause_scores = [float(row @ self.offers.centre_query(v, need.lang)) for v in need.vectors[1:]]
        clause = need.clauses[int(np.argmax(clause_scores))] if clause_scores else need.text
        if key.startswith("practice:"):
            return MeaningMatch(scores[key], clause, practice=int(key.split(":", 1)[1]))
        return MeaningMatch(scores[key], clause, offer=" ".join(self.texts[key].split()[:CLAUSE_WORDS]))
