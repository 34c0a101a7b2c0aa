"""The table of searchable types agrees with the engine and with the tables it replaced."""

from __future__ import annotations

from covenant_hub.search.engine.schema import DOC_TYPES
from covenant_hub.search.sources import by_model, indexed, sources


def test_every_indexed_type_is_one_the_engine_knows():
    assert set(indexed()) == set(DOC_TYPES)


def test_every_source_names_its_searched_columns_on_its_model():
    for source in indexed().values():
        assert source.columns, source.type
        for column in source.columns:
            assert hasattr(source.model, column), (source.type, column)


def test_a_model_has_one_source_and_groups_only_expand():
    assert len(by_model()) == len(sources())
    assert [name for name, source in sources().items() if source.build is None] == ["group"]
