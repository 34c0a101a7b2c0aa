"""The vectorised evaluator agrees with Whoosh's own matcher: same documents, same BM25 scores."""

from __future__ import annotations

import random
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from whoosh import query

from covenant_hub.search.engine.index import SearchIndex
from covenant_hub.search.engine.queries import Rewriter, parse
from covenant_hub.search.engine.schema import SearchDocument
from covenant_hub.search.engine.searching import SearcherState

WORDS = {
    "en": "street lighting heat pump solar roof bus waste water plan city energy school".split(),
    "ru": "улица освещение тепло насос солнце крыша автобус отходы вода план город энергия".split(),
    "ky": "көчө жарык жылуулук насос күн чатыр автобус калдык суу план шаар энергия".split(),
}
QUERIES = [
    "street lighting", "street OR solar", '"heat pump"', '"pump heat"', "sol*", "energy NOT solar",
    "город освещение", "город OR вода", '"крыша автобус"', "энерг*", "шаарлардын жарык",
    '"күн чатыр"', "шаар OR суу", "калдык NOT суу", "(solar OR bus) AND roof", "water ANDMAYBE city",
    "lighting ANDNOT street", "type:practice energy", "жарык*",
]  # fmt: skip


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> SearcherState:
    rng = random.Random(7)
    docs = []
    for i in range(600):
        lang = ("en", "ru", "ky")[i % 3]
        body = " ".join(rng.choice(WORDS[lang]) for _ in range(rng.randint(3, 40)))
        title = " ".join(rng.choice(WORDS[lang]) for _ in range(3))
        kind = "practice" if i % 10 == 0 else "post"
        docs.append(SearchDocument(f"{kind}:{i}", kind, str(i), title, body, lang))
    ix = SearchIndex(Path(tmp_path_factory.mktemp("vector")) / "index")
    ix.index(docs[:300])  # two segments, and deletions in the first one
    ix.index(docs[300:])
    ix.remove([f"post:{i}" for i in range(1, 300, 7)])
    return ix._current()


def rewritten(state: SearcherState, text: str) -> query.Query:
    rewriter = Rewriter(partial(state.languages_for), state.doc_frequency, state.expand_prefix)
    parsed = parse(text)
    assert parsed is not None
    built = rewriter.rewrite(parsed)
    assert built is not None
    return built


@pytest.mark.parametrize("text", QUERIES)
def test_same_documents_and_scores_as_whoosh(state: SearcherState, text: str) -> None:
    built = rewritten(state, text)
    assert state.vector.supports(built)
    visible = np.zeros(state.vector.n, dtype=bool)
    visible[list(state.searcher.docs_for_query(query.Every()))] = True
    node = state.vector.evaluate(built)
    ours = set(np.flatnonzero(node.mask & visible).tolist())
    theirs = set(state.searcher.docs_for_query(built))
    assert ours == theirs and ours, text
    if "NOT" in text or "*" in text or "type:" in text:
        return  # whoosh scores negations and prefix expansions differently; membership is what counts
    for hit in state.searcher.search(built, limit=20):
        assert node.score[hit.docnum] == pytest.approx(hit.score, rel=1e-4), text


def test_ranking_matches_whoosh_for_plain_words(state: SearcherState) -> None:
    built = rewritten(state, "solar roof")
    node = state.vector.evaluate(built)
    allowed = np.zeros(state.vector.n, dtype=bool)
    allowed[list(state.searcher.docs_for_query(query.Every()))] = True  # not the deleted ones
    ours = [doc for doc, _ in state.vector.top(node, allowed, 10, exact=False)[0]]
    theirs = [hit.docnum for hit in state.searcher.search(built, limit=10)]
    assert [round(float(node.score[d]), 4) for d in ours] == [round(float(node.score[d]), 4) for d in theirs]


def test_unsupported_shapes_go_to_whoosh(state: SearcherState) -> None:
    assert not state.vector.supports(query.Every())
    assert not state.vector.supports(query.TermRange("year", "2020", "2024"))
    assert not state.vector.supports(query.And([query.Term("type", "post"), query.Every()]))


def test_date_order_on_the_vector_path_matches_whoosh(tmp_path: Path) -> None:
    import datetime as dt

    docs = [
        SearchDocument(
            f"news:{i}",
            "news",
            str(i),
            f"Solar news {i}",
            "solar " * (i % 4 + 1),
            "en",
            date=dt.date(2020 + i % 5, 1 + i % 12, 1 + i % 28),
        )  # fmt: skip
        for i in range(40)
    ]
    ix = SearchIndex(tmp_path / "index")
    ix.index(docs)
    from covenant_hub.search.engine.results import SearchQuery

    hits = ix.search(SearchQuery("solar", sort="date", page_size=40)).hits
    ours = [hit.date for hit in hits]
    assert ours == sorted((int(d.date.strftime("%Y%m%d")) for d in docs if d.date), reverse=True)


def test_a_caching_embedder_embeds_each_text_once_and_survives_a_broken_store() -> None:
    from covenant_hub.language.embedding import CachingEmbedder, HashingEmbedder

    class DictStore:
        def __init__(self) -> None:
            self.rows: dict = {}

        def load(self, digests):
            return {d: self.rows[d] for d in digests if d in self.rows}

        def save(self, vectors):
            self.rows.update(vectors)

    inner, store = HashingEmbedder(), DictStore()
    cached = CachingEmbedder(inner, store)
    first = cached.embed_queries(["solar roofs", "wind", "solar roofs"])
    assert inner.calls == 2 and len(store.rows) == 2
    again = CachingEmbedder(inner, store).embed_queries(["wind", "solar roofs"])
    assert inner.calls == 2 and np.array_equal(again, first[[1, 0]])
    assert cached.embed_passages(["wind"]).shape == (1, inner.dim) and inner.calls == 3  # own digest

    class BrokenStore:
        def load(self, digests):
            raise OSError("disk I/O error")

        def save(self, vectors):
            raise OSError("disk I/O error")

    assert np.array_equal(CachingEmbedder(inner, BrokenStore()).embed_queries(["wind"]), first[[1]])
