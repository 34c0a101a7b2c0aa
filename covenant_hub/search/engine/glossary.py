"""Query translation on the keyword side: the field's terms in Kyrgyz, Russian and English.

A Kyrgyz or Russian query word that the glossary knows (``data/glossary.tsv``, matched after
stemming, so "чырактарын" finds "чырак") is also searched as its equivalents in the other two
languages, weighted at ``BOOST`` of the words typed: "көчө чырактарын алмаштыруу" finds an
English "street lamp replacement" by its words, with the model off too. Equivalents the index
does not hold are left out. A result found only through them is marked "translated query
terms" on the search page. English queries are not expanded: the glossary's English side is
its reference, and English words are the most ambiguous ("stop", "plan", "power").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from covenant_hub.language.analysis import analyse, term_table

PATH = Path(__file__).with_name("data") / "glossary.tsv"
COLUMNS = ("en", "ru", "ky")
SOURCES = ("ru", "ky")  # query languages that are expanded
BOOST = 0.4


@dataclass(frozen=True)
class Equivalent:
    """One way to say a concept in ``lang``: its index terms (several for a phrase)."""

    lang: str
    terms: tuple[str, ...]


class Glossary:
    """Concepts by (language, stem) of their one-word forms."""

    def __init__(self, rows: list[dict[str, list[str]]]) -> None:
        self.concepts: list[tuple[Equivalent, ...]] = []
        self._index: dict[tuple[str, str], list[int]] = {}
        for row in rows:
            number = len(self.concepts)
            forms = []
            for lang in COLUMNS:
                for phrase in row.get(lang, []):
                    terms = tuple(analyse(phrase, lang))
                    if not terms:
                        continue
                    forms.append(Equivalent(lang, terms))
                    if len(terms) == 1 and len(phrase.split()) == 1:
                        self._index.setdefault((lang, terms[0]), []).append(number)
            self.concepts.append(tuple(dict.fromkeys(forms)))

    def __len__(self) -> int:
        return len(self.concepts)

    def equivalents(self, word: str, lang: str) -> list[Equivalent]:
        """What a query ``word`` analysed as ``lang`` is in the other languages (none for an
        English word or one the glossary does not know)."""
        if lang not in SOURCES:
            return []
        term = term_table(lang).term(word.lower())
        if term is None:
            return []
        out: list[Equivalent] = []
        for number in self._index.get((lang, term), ()):
            out.extend(e for e in self.concepts[number] if e.lang != lang and e not in out)
        return out


def parse(text: str) -> list[dict[str, list[str]]]:
    """Rows of the TSV (comments and the header skipped), alternatives split on "|"."""
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[:3] == list(COLUMNS):
            continue
        cells = (cells + ["", "", ""])[:3]
        rows.append(
            {
                lang: [p.strip() for p in cell.split("|") if p.strip()]
                for lang, cell in zip(COLUMNS, cells, strict=True)
            }
        )
    return rows


@cache
def default_glossary() -> Glossary:
    """The shipped glossary, read once per process."""
    return Glossary(parse(PATH.read_text(encoding="utf-8")))
