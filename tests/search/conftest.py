"""A small index of practices and posts in three languages, built per test in tmp_path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from covenant_hub.search.engine.index import SearchIndex
from covenant_hub.search.engine.schema import SearchDocument


def sample_docs() -> list[SearchDocument]:
    """Eight documents covering languages, types, audiences, groups and dates."""
    return [
        SearchDocument(
            "practice:p1", "practice", "p1", "Шаардын көчөлөрүн жарыктандыруу",
            "Бишкек шаарында 2000 LED чырак орнотулуп, энергия керектөө 40% азайды.",
            "ky", ("public_lighting",), "kg", "signatory", 2023, dt.date(2023, 5, 1),
        ),
        SearchDocument(
            "practice:p2", "practice", "p2", "Уличное освещение в городах",
            "Замена натриевых ламп на светодиодные в городах Кыргызстана. <script>alert(1)</script>",
            "ru", ("public_lighting", "public_procurement"), "kg", "signatory", 2022, dt.date(2022, 3, 1),
        ),
        SearchDocument(
            "practice:p3", "practice", "p3", "Street lighting retrofit",
            "The city replaced sodium street lamps with LED lighting and cut energy use by half.",
            "en", ("public_lighting",), "de", "signatory", 2021, dt.date(2021, 1, 15),
        ),
        SearchDocument(
            "post:t1", "post", "t1", "District heating networks",
            "Heat pumps feed the district heating network in winter.",
            None, ("local_heat_cold",), "dk", None, 2024, dt.date(2024, 2, 1),
        ),
        SearchDocument(
            "post:g1", "post", "g1", "Members-only lighting budget",
            "Our street lighting budget for next year, shared with the group only.",
            "en", (), None, None, 2024, dt.date(2024, 6, 1), audience=("group:7",), group_id="7",
        ),
        SearchDocument(
            "practice:draft", "practice", "draft", "Draft lighting practice",
            "Unpublished street lighting notes.", "en", (), None, None, 2024, dt.date(2024, 7, 1),
            audience=("user:5",),
        ),
        SearchDocument(
            "post:hidden", "post", "hidden", "Hidden lighting post", "Street lighting spam.",
            "en", (), None, None, 2024, dt.date(2024, 7, 2), audience=(),
        ),
        SearchDocument(
            "event:e1", "event", "e1", "Solar energy master class",
            "Solar panels on school roofs: a master class for municipal energy managers.",
            "en", ("local_electricity",), "fr", None, 2025, dt.date(2025, 4, 10),
        ),
    ]  # fmt: skip


@pytest.fixture
def search_index(tmp_path: Path) -> Iterator[SearchIndex]:
    ix = SearchIndex(tmp_path / "index")
    ix.index(sample_docs())
    yield ix
    ix.close()
