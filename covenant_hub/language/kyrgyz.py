"""A suffix-stripping stemmer for Kyrgyz, which has no Snowball stemmer.

Kyrgyz nouns are agglutinative: stem + plural + possessive + case, each suffix in several
vowel-harmony and consonant-assimilation variants. The stemmer works on *folded* words
(ө->о, ү->у, ң->н, ё->е, see :func:`fold_kyrgyz`), which halves the variants and lets a
word typed on a Russian keyboard meet the correctly spelt one. It strips suffixes
iteratively from the end until none applies or the stem would become too short, then
normalises the stem-final consonant alternation (китеби -> китеб -> китеп) so inflected
and base forms meet. Like every dictionary-free stemmer it over-stems some words, but it
does so consistently for a word and its inflections, which is what search needs.
"""

from __future__ import annotations

from functools import lru_cache

KY_FOLD = str.maketrans(
    {"ө": "о", "ү": "у", "ң": "н", "ё": "е", "Ө": "о", "Ү": "у", "Ң": "н", "Ё": "е", "ь": None, "ъ": None}
)
VOWELS = frozenset("аеиоуыэюя")
POSSESSIVE_VOWELS = frozenset("ыиу")


def fold_kyrgyz(word: str) -> str:
    """Lower-case and fold the Kyrgyz-only letters onto their Russian-keyboard look-alikes."""
    return word.lower().translate(KY_FOLD)


def _variants(*patterns: str) -> tuple[str, ...]:
    """Expand 'д|т|н + ы|и|у + н' style patterns into the folded suffix variants."""
    out: list[str] = []
    for pattern in patterns:
        parts = [p.split("|") for p in pattern.split("+")]
        combos = [""]
        for options in parts:
            combos = [c + o for c in combos for o in options]
        out.extend(combos)
    return tuple(out)


# Case endings (folded). The -н- forms (нын, нда, нан, на, н) follow a 3rd-person possessive.
GENITIVE = _variants("н|д|т+ы|и|у+н")
ABLATIVE = _variants("д|т+а|е|о+н")
LOCATIVE = _variants("д|т+а|е|о")
ATTRIBUTIVE = _variants("д|т+а|е|о+г+ы|и|у")  # шаардагы "the one in the city"
DATIVE = _variants("г|к+а|е|о")
ACCUSATIVE = _variants("н|д|т+ы|и|у")
# Possessive endings (folded; ң has become н), with the fused possessive + case forms
# whose short case ending would otherwise be read as a different suffix.
POSSESSIVE_LONG = _variants(
    "ы|и|у+б+ы|и|у+з", "б+ы|и|у+з", "ы|и|у+н+ы|и|у+з", "н+ы|и|у+з", "с+ы|и|у", "с+ы|и|у+н", "ы|и|у+м+а|е|о"
)
POSSESSIVE_SHORT = _variants("ы|и|у+м", "ы|и|у+н")
PLURAL = _variants("л|д|т+а|е|о+р")

_FREE_SUFFIXES: tuple[str, ...] = (
    ATTRIBUTIVE + GENITIVE + ABLATIVE + LOCATIVE + DATIVE + ACCUSATIVE + POSSESSIVE_LONG + PLURAL
)
# Case forms in -н- that attach only after a 3rd-person possessive vowel (шаары-нда).
_AFTER_POSSESSIVE = frozenset(_variants("нд+а|е|о+г+ы|и|у", "н+а|е|о+н", "нд+а|е|о", "н+а|е|о") + ("н",))
# One table, longest ending first, so "-нда" wins over "-да" and the stem keeps its "ы".
_SUFFIXES = tuple(sorted(set(_FREE_SUFFIXES + POSSESSIVE_SHORT) | _AFTER_POSSESSIVE, key=len, reverse=True))

MIN_STEM = 2
MIN_STEM_SHORT_SUFFIX = 3
MAX_ROUNDS = 6
_FINAL_ALTERNATION = {"б": "п", "г": "к"}


def _has_vowel(text: str) -> bool:
    return any(ch in VOWELS for ch in text)


def _stem_ok(stem: str, suffix: str) -> bool:
    """Keep at least one vowel and three letters; two only for vowel-initial roots (үй, ат)."""
    if len(stem) >= MIN_STEM_SHORT_SUFFIX:
        return _has_vowel(stem)
    return len(suffix) > 1 and len(stem) == MIN_STEM and stem[0] in VOWELS


def _strip_once(word: str) -> str | None:
    """Remove the longest ending that may close ``word``; None when nothing applies."""
    for suffix in _SUFFIXES:
        if not word.endswith(suffix):
            continue
        stem = word[: -len(suffix)]
        if suffix in _AFTER_POSSESSIVE:
            if stem[-1:] in POSSESSIVE_VOWELS and _stem_ok(stem, suffix):
                return _drop_possessive(stem)
            continue
        if _stem_ok(stem, suffix):
            return stem
    return _strip_possessive_vowel(word)


def _drop_possessive(stem: str) -> str:
    """After an -н- case form the stem ends in the possessive -(с)ы, which goes too."""
    if len(stem) >= 4 and stem[-2] == "с" and stem[-3] in VOWELS:
        return stem[:-2]
    shorter = stem[:-1]
    return shorter if _stem_ok(shorter, "x") else stem


def _strip_possessive_vowel(word: str) -> str | None:
    """-ы/-и/-у after a consonant (китеби -> китеб), -м after a vowel (энергиям -> энергия)."""
    if len(word) >= 4 and word[-1] in POSSESSIVE_VOWELS and word[-2] not in VOWELS:
        stem = word[:-1]
        if _stem_ok(stem, "x"):
            return stem
    if len(word) >= 5 and word[-1] == "м" and word[-2] in VOWELS and word[-2] not in POSSESSIVE_VOWELS:
        return word[:-1]
    return None


def _normalise_final(stem: str) -> str:
    """Undo the voicing of a stem-final consonant before a vowel-initial suffix."""
    last = stem[-1:]
    if last in _FINAL_ALTERNATION and len(stem) > 2:
        return stem[:-1] + _FINAL_ALTERNATION[last]
    return stem


@lru_cache(maxsize=200_000)
def stem_folded(word: str) -> str:
    """Stem a word that is already lower-cased and folded."""
    if len(word) < 4 or not word.isalpha():
        return word
    for _ in range(MAX_ROUNDS):
        shorter = _strip_once(word)
        if shorter is None:
            break
        word = shorter
    return _normalise_final(word)


def stem(word: str) -> str:
    """Stem any Kyrgyz word form (case and ө/ү/ң spelling do not matter)."""
    return stem_folded(fold_kyrgyz(word))
