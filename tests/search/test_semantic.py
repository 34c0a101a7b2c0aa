"""Vectors as derived data: queued by the drain, embedded in their own step, stored with a
content hash, shared through the database, rebuilt by `flask search reindex`; and the
degraded path (no vectors: keyword results and a notice, never an error).

The plumbing runs on the deterministic hashing embedder; the real model's quality is
measured in test_crosslang.py.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.language.embedding import HashingEmbedder
from covenant_hub.language.semantic import SemanticIndex
from covenant_hub.search import indexer, vectors
from covenant_hub.search.engine.hybrid import fuse
from covenant_hub.search.engine.results import SearchQuery
from covenant_hub.search.service import get_service
from tests.factories import make_practice


@pytest.fixture
def app_config(app_config):
    app_config["SEARCH_EMBEDDER"] = "hashing"
    app_config["SEARCH_CENTRE_MIN_DOCS"] = 1000  # a handful of documents: no centring
    return app_config


def search(app, text: str, **kwargs):
    return get_service(app).search(SearchQuery(text, **kwargs)).results


def stored_vectors() -> int:
    return db.session.scalar(select(func.count()).select_from(vectors.SearchVector)) or 0


def test_a_new_practice_gets_a_vector_after_the_drain_and_is_found_by_meaning(app):
    practice = make_practice(title="pumps heat school", summary="boreholes", body="", language="en")
    results = search(app, "pumps heat school")
    assert results.semantic == "on" and stored_vectors() >= 1 and vectors.pending_count() == 0
    assert results.hits[0].ext_id == practice.external_id and results.hits[0].matched_by == "words"


def test_a_result_without_a_word_of_the_query_is_marked_matched_by_meaning(app):
    make_practice(title="alpha beta gamma", summary="delta", body="", language="en")
    service = get_service(app)
    service.search(SearchQuery("warm up"))  # drain and embed
    store = service.semantic.index
    only = next(k for k in store.keys if k and k.startswith("practice:"))
    # A query vector equal to the document's: similar by meaning, sharing no word.
    vector = store._raw[store._rows[only], 0].astype(np.float32)
    service.semantic._queries["zzz qqq"] = vector / np.linalg.norm(vector)
    hits = search(app, "zzz qqq").hits
    assert [h.matched_by for h in hits if h.key == only] == ["meaning"]


def test_reindex_embeds_only_what_changed(app, runner):
    first = make_practice(title="district heating pipes", language="en")
    make_practice(title="solar roofs", language="en")
    embedder = get_service(app).semantic.embedder
    out = json.loads(
        runner.invoke(args=["search", "reindex", "--procs", "1", "--json"]).output.splitlines()[-1]
    )
    assert out["embedded"] >= 2
    again = json.loads(
        runner.invoke(args=["search", "reindex", "--procs", "1", "--json"]).output.splitlines()[-1]
    )
    assert again["embedded"] == 0 and again["unchanged"] == out["embedded"] + out["unchanged"]
    from covenant_hub.library.models import Practice

    db.session.get(Practice, first.id).title = "district heating pipes replaced"
    db.session.commit()
    before = embedder.calls
    third = json.loads(
        runner.invoke(args=["search", "reindex", "--procs", "1", "--json"]).output.splitlines()[-1]
    )
    assert third["embedded"] == 1 and embedder.calls - before == 2  # two views of one document


def test_another_node_follows_the_vector_table(app):
    make_practice(title="bicycle sharing stations", language="en")
    search(app, "bicycle")
    other = SemanticIndex(HashingEmbedder().dim)
    follower = vectors.Follower(other, HashingEmbedder.name)
    assert follower.refresh() == stored_vectors() and follower.refresh() == 0
    assert {k for k in other.keys if k} == set(db.session.scalars(select(vectors.SearchVector.key)))


def test_without_vectors_the_search_is_keyword_only_with_a_notice(app):
    practice = make_practice(title="LED street lamps", language="en")
    service = get_service(app)
    service.semantic.index = SemanticIndex(service.semantic.embedder.dim)  # empty store
    service.semantic.catch_up = lambda max_batches=0: 0  # nothing gets embedded
    results = search(app, "street lamps")
    assert results.semantic == "unavailable"
    assert [h.ext_id for h in results.hits] == [practice.external_id]


def test_search_page_marks_languages_and_the_semantic_notice(app, client):
    make_practice(title="LED street lamps", language="en")
    service = get_service(app)
    service.semantic.catch_up = lambda max_batches=0: 0
    page = client.get("/search?q=lamps").get_data(as_text=True)
    assert 'lang="en"' in page and "search-notice-semantic" in page


def test_fusion_keeps_the_foreign_answer_above_same_language_word_matches():
    langs = {"ky:a": "ky", "ky:b": "ky", "en:answer": "en"}
    fused = fuse(["ky:a", "ky:b"], {"en:answer": 0.6, "ky:a": 0.3, "ky:b": 0.2}, langs.__getitem__)
    assert [f.key for f in fused] == ["en:answer", "ky:a", "ky:b"]
    assert [f.by_words for f in fused] == [False, True, True]


def test_fusion_keeps_exact_keyword_hits_first_when_asked():
    langs = {"ky:a": "ky", "en:b": "en"}
    fused = fuse(["ky:a"], {"en:b": 0.6, "ky:a": 0.3}, langs.__getitem__, lead=1)
    assert [f.key for f in fused] == ["ky:a", "en:b"]


def test_centring_uses_a_language_mean_only_with_enough_documents():
    store = SemanticIndex(4, min_per_language=3)
    rng = np.random.default_rng(0)
    raw = rng.normal(size=(5, 2, 4)).astype(np.float32)
    raw /= np.linalg.norm(raw, axis=2, keepdims=True)
    store.upsert([f"k{i}" for i in range(5)], ["ky", "ky", "ky", "ru", "ru"], raw)
    assert np.allclose(store.mean_for("ky"), raw[:3].mean(axis=0), atol=1e-2)
    assert np.allclose(store.mean_for("ru"), raw.mean(axis=0), atol=1e-2)  # 2 < 3: the global mean


def test_a_deleted_document_loses_its_vector_when_the_delete_is_drained(app):
    practice = make_practice(title="bicycle sharing stations", language="en")
    indexer.rebuild(get_service(app).index, procs=1, embed=True)
    get_service(app).semantic.catch_up()  # indexed and embedded
    key = f"practice:{practice.id}"
    other = SemanticIndex(HashingEmbedder().dim)  # another node, following since before the delete
    follower = vectors.Follower(other, HashingEmbedder.name)
    follower.refresh()
    assert other.has(key) and key in set(db.session.scalars(select(vectors.SearchVector.key)))
    db.session.delete(practice)
    db.session.commit()
    indexer.drain(get_service(app).index, embed=False)  # the drain alone, no embedding step
    live = select(vectors.SearchVector.key).where(vectors.SearchVector.model != vectors.TOMBSTONE)
    assert key not in set(db.session.scalars(live))
    follower.refresh()
    assert not other.has(key) and key not in {k for k, _ in other.nearest(np.ones(other.dim), "en", 10)}


def test_semantic_candidates_pass_the_viewers_filters(app):
    practice = make_practice(title="pumps heat school", summary="boreholes", body="", language="en")
    key = f"practice:{practice.id}"
    service = get_service(app)
    indexer.rebuild(service.index, procs=1, embed=True)  # here, not in the service's thread
    service.semantic.catch_up()
    vector = service.semantic.index._raw[service.semantic.index._rows[key], 0].astype(np.float32)
    service.semantic._queries["zzz qqq"] = vector / np.linalg.norm(vector)  # near it, no shared word
    assert [h.key for h in search(app, "zzz qqq").hits] == [key]  # found by meaning when allowed
    only_posts = search(app, "zzz qqq", types=("post",))
    assert only_posts.hits == [] and only_posts.total == 0


class WritesWhileEmbedding(HashingEmbedder):
    """Another writer (a POST in another worker) tries to write while the model runs."""

    def __init__(self, database: str) -> None:
        super().__init__()
        self.database = database
        self.writes: list[str] = []

    def embed_passages(self, texts):
        import sqlite3

        other = sqlite3.connect(self.database, timeout=0.2, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            self.writes.append("ok")
        except sqlite3.OperationalError as error:
            self.writes.append(str(error))
        finally:
            other.close()
        return super().embed_passages(texts)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("step", ["pending", "reindex"])
def test_the_model_runs_without_holding_the_write_lock(app, step):
    """Embedding takes seconds per batch here: a transaction held across it made every other
    worker's POST wait out the busy timeout and fail with "database is locked"."""
    make_practice(title="pumps heat school", summary="boreholes", body="", language="en")
    db.session.commit()
    vectors.queue(["practice:1"])
    db.session.commit()
    database = db.engine.url.database
    embedder = WritesWhileEmbedding(database)
    if step == "pending":
        result = vectors.embed_pending(embedder)
    else:
        result = vectors.sync_all(embedder)
    assert result.embedded >= 1 and embedder.writes
    assert set(embedder.writes) == {"ok"}
    assert stored_vectors() >= 1 and vectors.pending_count() == 0
