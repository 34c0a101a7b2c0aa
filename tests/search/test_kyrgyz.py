"""The Kyrgyz stemmer: inflected forms meet their base form."""

from __future__ import annotations

import pytest

from covenant_hub.language.kyrgyz import fold_kyrgyz, stem

# (inflected form, expected stem): case, possessive and plural endings in every harmony variant.
CASES = [
    # the brief's required forms
    ("шаарлардын", "шаар"), ("энергиясын", "энергия"), ("энергиясы", "энергия"),
    ("энергияны", "энергия"), ("энергияга", "энергия"), ("шаарга", "шаар"), ("шаарда", "шаар"),
    ("шаардан", "шаар"), ("шаарлар", "шаар"), ("мектептерибиздин", "мектеп"), ("китеби", "китеп"),
    # genitive
    ("шаардын", "шаар"), ("мектептин", "мектеп"), ("энергиянын", "энергия"), ("үйдүн", "уй"),
    ("көлдүн", "кол"), ("суунун", "суу"), ("китептин", "китеп"), ("транспорттун", "транспорт"),
    # dative
    ("мектепке", "мектеп"), ("үйгө", "уй"), ("көлгө", "кол"), ("тоого", "тоо"), ("айылга", "айыл"),
    # accusative
    ("мектепти", "мектеп"), ("үйдү", "уй"), ("сууну", "суу"), ("айылды", "айыл"), ("калдыктарды", "калдык"),
    # locative
    ("мектепте", "мектеп"), ("үйдө", "уй"), ("көлдө", "кол"), ("сууда", "суу"), ("айылда", "айыл"),
    # ablative
    ("мектептен", "мектеп"), ("үйдөн", "уй"), ("тоодон", "тоо"), ("айылдан", "айыл"),
    # plural
    ("мектептер", "мектеп"), ("үйлөр", "уй"), ("көлдөр", "кол"), ("тоолор", "тоо"), ("айылдар", "айыл"),
    ("имараттар", "имарат"), ("автобустар", "автобус"), ("долбоорлор", "долбоор"),
    # possessive
    ("шаарым", "шаар"), ("шаарың", "шаар"), ("шаары", "шаар"), ("шаарыбыз", "шаар"),
    ("шаарыңыз", "шаар"), ("энергиям", "энергия"), ("мектебибиз", "мектеп"), ("долбоорлору", "долбоор"),
    # stacked: plural + possessive + case
    ("шаарларыбыздан", "шаар"), ("мектептерибизде", "мектеп"), ("үйлөрүбүздүн", "уй"),
    ("имараттарынын", "имарат"), ("көчөлөрүндө", "кочо"), ("энергиясынан", "энергия"),
    ("энергиясында", "энергия"), ("шаарынын", "шаар"), ("шаарына", "шаар"), ("шаарында", "шаар"),
    ("шаарынан", "шаар"), ("шаарыма", "шаар"), ("аянтында", "аянт"), ("шаардагы", "шаар"),
    # stem-final consonant alternation (к/г, п/б)
    ("китебим", "китеп"), ("китептер", "китеп"), ("калдыгы", "калдык"), ("тарагы", "тарак"),
    # Russian-keyboard spellings meet the correct ones
    ("уйлор", "уй"), ("коче", "коче"), ("колдун", "кол"), ("шаарын", "шаар"),
    # words that must be left alone
    ("шаар", "шаар"), ("энергия", "энергия"), ("мектеп", "мектеп"), ("суу", "суу"), ("үй", "уй"),
    ("жарыктандыруу", "жарыктандыруу"), ("жылытуу", "жылытуу"), ("катар", "катар"),
]  # fmt: skip


@pytest.mark.parametrize(("word", "expected"), CASES)
def test_stem_strips_inflection(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("inflected", "base"),
    [
        ("көчөлөрдү", "көчө"), ("жарыктандыруунун", "жарыктандыруу"), ("панелдери", "панель"),
        ("жылуулукту", "жылуулук"), ("ишканалар", "ишкана"), ("тазалоосу", "тазалоо"),
        ("күндүн", "күн"), ("машинада", "машина"),
    ],
)  # fmt: skip
def test_inflected_and_base_forms_meet(inflected: str, base: str) -> None:
    assert stem(inflected) == stem(base)


def test_keyboard_spelling_meets_correct_spelling() -> None:
    assert stem("көчөлөрүбүздө") == stem("кочолорубузде") == stem("көчө")
    assert stem("күңү") == stem("куну")


def test_fold_maps_kyrgyz_letters_and_case() -> None:
    assert fold_kyrgyz("ӨҮҢ Ёлка өрүк") == "оун елка орук"


def test_stem_never_strips_below_a_short_root() -> None:
    for word in ("ал", "ат", "күн", "тоо", "ата", "ана", "ары"):
        assert len(stem(word)) >= min(len(word), 2)
        assert stem(word)[0] == fold_kyrgyz(word)[0]


def test_stem_is_idempotent_on_its_output() -> None:
    for word, _ in CASES:
        once = stem(word)
        assert stem(once) == once, word


def test_non_words_pass_through() -> None:
    assert stem("2030") == "2030"
    assert stem("co2") == "co2"
    assert stem("") == ""
