"""Latin words in Cyrillic content, and replies in another language than their thread."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.search.engine.index import SearchIndex
from covenant_hub.search.engine.results import SearchQuery
from covenant_hub.search.engine.schema import SearchDocument
from tests.factories import make_group, make_thread


def keys(ix: SearchIndex, text: str, lang: str = "en") -> set[str]:
    return {h.key for h in ix.search(SearchQuery(text, user_lang=lang, page_size=50)).hits}


def test_a_latin_word_finds_a_kyrgyz_thread(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "index")
    ix.index([
        SearchDocument("thread:1", "thread", "1", "LED шамдарына өтүү: тажрыйба алмашуу",
                       "Көчө жарыгын LED шамдарына алмаштырган шаарлар тажрыйбасы менен бөлүшөт.", "ky"),
        SearchDocument("practice:2", "practice", "2", "Светодиодные светильники для школ",
                       "Замена ламп на LED-светильники в школах Оша.", "ru"),
        SearchDocument("practice:3", "practice", "3", "Solar roofs", "Panels on schools.", "en"),
    ])  # fmt: skip
    assert keys(ix, "LED") == {"thread:1", "practice:2"}
    assert keys(ix, "led", lang="ky") == {"thread:1", "practice:2"}


def test_an_english_run_in_a_russian_text_is_stemmed_as_english(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "index")
    body = "Доклад назывался «Financing energy savings in municipalities»."
    ix.index([SearchDocument("news:1", "news", "1", "Итоги форума", body, "ru")])
    assert keys(ix, "municipality saving") == {"news:1"}


def test_replies_are_indexed_in_their_own_language(app, client) -> None:
    from covenant_hub.forum.models import Post

    thread = make_thread(make_group(), posts=3, title="Энергосервисные контракты", language="ru")
    posts = db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.id)).all()
    posts[0].body = "Кто из городов заключал энергосервисные контракты на освещение?"
    posts[1].body = "We signed energy performance contracts for our schools; the savings paid the boilers."
    posts[2].body = "Биздин шаарыбызда мектептердин жылуулук тутумдарын жаңыртуу боюнча келишим түздүк."
    english, kyrgyz = f"{thread.external_id}#{posts[1].id}", f"{thread.external_id}#{posts[2].id}"
    db.session.commit()

    def found(q: str, lang: str) -> set[str]:
        data = client.get("/api/v1/search", query_string={"q": q, "type": "post"},
                          headers={"Accept-Language": lang}).get_json()  # fmt: skip
        return {item["id"] for item in data["results"]}

    assert english in found("contract signing saves", "en")  # stems: contract, sign, save
    assert kyrgyz in found("мектептерибиздин", "ky")  # an inflected form of мектеп
    assert kyrgyz in found("жылуулук тутумун", "ky")


def test_latin_runs_of_cyrillic_documents_leave_english_length_norms_alone(tmp_path: Path) -> None:
    """Twenty Kyrgyz practices each put one word ("LED") in text_en; English practices are
    still compared with English practices, so the long one outranks short replies."""
    filler = " ".join(f"lamp post number {i} was replaced by the city crew" for i in range(12))
    docs = [SearchDocument("practice:en", "practice", "en", "LED street lighting on 18,000 lamp posts",
                           f"Street lighting renewed. {filler}", "en")]  # fmt: skip
    docs += [SearchDocument(f"practice:ky{i}", "practice", f"ky{i}", f"Шаар {i}: LED чырактары",
                            "Көчө жарыгы жаңыланды.", "ky") for i in range(20)]  # fmt: skip
    docs += [SearchDocument(f"post:{i}", "post", str(i), "Contracts for street lighting", body, "en")
             for i, body in enumerate(("Who took the risk?", "The contractor did.", "Thanks."))]  # fmt: skip
    ix = SearchIndex(tmp_path / "index")
    ix.index(docs)
    hits = [h.key for h in ix.search(SearchQuery("street lighting", user_lang="en")).hits]
    assert hits[0] == "practice:en", hits
