"""Names across scripts: Cyrillic names in Latin letters, and one key for a name in either script.

"Ош", "ОШ", "Osh" and "osh" are one name; so are "Бишкек" and "Bishkek", "Жалал-Абад" and
"Jalal-Abad". Russian names are romanised by iuliia's Wikipedia scheme (the spelling English
texts and the GCoM list use: Бишкек -> Bishkek, Каракол -> Karakol), Kyrgyz names by the same
scheme with the Kyrgyz letters and Kyrgyz usage on top (ө -> ö, ү -> ü, ң -> ng, and ж -> j as
in "Jalal-Abad"). `name_key` folds what the two schemes and common English spellings disagree
on (zh/j, kh/h, y/i, doubled letters, diacritics), so a key compares names typed in any script.
Plain functions, no Flask: the search engine and the directory both use them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

import iuliia
from iuliia.schema import TranslitSchema

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
KYRGYZ_LETTERS = {"ө": "ö", "ү": "ü", "ң": "ng", "ж": "j"}
# The scheme's own letters Russian has and Kyrgyz does not need to override.
_FOLDS = (
    ("dzh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("ts", "c"),
    ("yo", "e"),
    ("ye", "e"),
    ("y", "i"),
)


@lru_cache(maxsize=1)
def _kyrgyz_scheme() -> TranslitSchema:
    """Wikipedia's Russian scheme with Kyrgyz letters and usage on top."""
    russian = json.loads(iuliia.WIKIPEDIA.path.read_text(encoding="utf-8"))
    return TranslitSchema(
        name="kyrgyz_wikipedia", mapping={**russian["mapping"], **KYRGYZ_LETTERS},
        prev_mapping=russian.get("prev_mapping"), next_mapping=russian.get("next_mapping"),
        ending_mapping=russian.get("ending_mapping"),
    )  # fmt: skip


def romanise(name: str, language: str = "ru") -> str:
    """`name` in Latin letters by Russian (`ru`) or Kyrgyz (`ky`) rules; Latin text unchanged."""
    if not CYRILLIC.search(name):
        return name
    scheme = _kyrgyz_scheme() if language == "ky" else iuliia.WIKIPEDIA
    return str(scheme.translate(name))


def romanisations(name: str) -> list[str]:
    """The Latin spellings of a Cyrillic name (Russian rules, then Kyrgyz), without repeats;
    empty for a name with no Cyrillic letter."""
    if not CYRILLIC.search(name):
        return []
    if re.search("[өүңӨҮҢ]", name):  # Kyrgyz letters: only the Kyrgyz rules know them
        return [romanise(name, "ky")]
    return list(dict.fromkeys(romanise(name, language) for language in ("ru", "ky")))


def name_key(name: str) -> str:
    """One comparable form of a name in any script: Latin, lower case, folded.

    >>> name_key("Ош") == name_key("OSH") == name_key("osh")
    True
    """
    latin = romanise(name, "ky" if re.search("[өүңӨҮҢ]", name) else "ru").lower()
    latin = "".join(c for c in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(c))
    latin = re.sub(r"[^a-z0-9]+", " ", latin)
    for spelled, folded in _FOLDS:
        latin = latin.replace(spelled, folded)
    latin = re.sub(r"([a-z])\1+", r"\1", latin)
    return " ".join(latin.split())
