"""Analysers: folding, stop words, Snowball stemming, offsets for highlighting, n-grams."""

from __future__ import annotations

import pickle  # noqa: S403

import Stemmer

from covenant_hub.language.analysis import (
    LANGUAGES,
    SNOWBALL,
    EdgeGramAnalyzer,
    LanguageAnalyzer,
    analyse,
    fold,
    prefix_gram,
    query_gram,
    term_table,
)


def test_fold_kyrgyz_letters_yo_and_latin_accents() -> None:
    assert fold("өзгөрүү ңа ёлка") == "озгоруу на елка"
    assert fold("éléctricité ärger straße") == "electricite arger strasse"


def test_fold_keeps_short_i_and_greek() -> None:
    assert fold("район") == "район"
    assert fold("ενέργεια") == "ενέργεια"


def test_english_stemming_avoids_the_porter_bug() -> None:
    assert analyse("running runs ran", "en")[:2] == ["run", "run"]
    assert analyse("Lighting lights", "en") == ["light", "light"]


def test_russian_inflections_meet() -> None:
    assert analyse("городами", "ru") == analyse("город", "ru") == analyse("городов", "ru")
    assert analyse("освещение", "ru") == analyse("освещения", "ru")


def test_kyrgyz_analysis_folds_before_stemming() -> None:
    assert analyse("Шаарлардын көчөлөрү", "ky") == analyse("шаар кочо", "ky")


def test_stop_words_are_removed_per_language() -> None:
    assert analyse("the city and the lights", "en") == ["citi", "light"]
    assert analyse("в городе и на улице", "ru") == analyse("город улица", "ru")
    assert analyse("шаар жана айыл үчүн", "ky") == ["шаар", "айыл"]


def test_every_snowball_language_has_a_working_stemmer() -> None:
    available = set(Stemmer.algorithms())
    for lang, algorithm in SNOWBALL.items():
        assert algorithm in available
        assert analyse("Energy2030 test", lang), lang
    for lang in ("de", "fr", "es"):
        assert lang in LANGUAGES


def test_german_and_french_accents_fold_after_stemming() -> None:
    assert analyse("Gebäude", "de") == analyse("Gebaude", "de")
    assert analyse("éclairage", "fr") == analyse("eclairage", "fr")


def test_unknown_language_uses_generic_folding() -> None:
    assert analyse("Вулиці МІСТА", "uk") == ["вулиці", "міста"]
    assert term_table("zz").lang == "xx"


def test_analyzer_positions_skip_stop_words() -> None:
    tokens = [(t.text, t.pos) for t in LanguageAnalyzer("en")("The street and the lights", positions=True)]
    assert tokens == [("street", 0), ("light", 1)]


def test_analyzer_offsets_point_at_the_original_words() -> None:
    text = "Уличное освещение городов"
    tokens = [(t.text, text[t.startchar : t.endchar]) for t in LanguageAnalyzer("ru")(text, chars=True)]
    assert tokens[-1] == (analyse("город", "ru")[0], "городов")


def test_analyzer_is_picklable_and_comparable() -> None:
    """The schema, analysers included, is pickled into the index's table of contents."""
    for analyzer in (LanguageAnalyzer("ky"), EdgeGramAnalyzer()):
        assert pickle.loads(pickle.dumps(analyzer)) == analyzer  # noqa: S301 - our own bytes
    assert LanguageAnalyzer("ky") != LanguageAnalyzer("ru")


def test_prefix_grams_and_query_gram() -> None:
    assert prefix_gram("шаарлардын") == "шаарл"
    grams = [t.text for t in EdgeGramAnalyzer()("Шаарлар жана шаарларда үй")]
    assert grams == ["шаарл"]
    assert query_gram("жарыктандыруусунун") == "жарык"
    assert query_gram("үй") is None


def test_term_cache_returns_the_same_answer() -> None:
    table = term_table("ru")
    first = table.term("городами")
    assert table.term("городами") == first == "город"
