"""Text analysis per language: tokenise, lower-case, fold, drop stop words, stem.

One analyser class serves every language so the hot indexing path is a single regex pass and
one dictionary lookup per token (the word -> term table below caches folding, stop words and
stemming together). Snowball stemmers come from PyStemmer; Kyrgyz uses our own
:mod:`covenant_hub.language.kyrgyz`. Whoosh's StemmingAnalyzer is deliberately not used (its
Porter stemmer turns "running" into "runn").

Order of operations: Kyrgyz is folded *before* stemming (the stemmer is written for folded
text, so ө/ү/ң typed as о/у/н stem the same); other languages are stemmed first and folded
after, because Snowball rules expect their accents (é, ü) but users often omit them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import Stemmer
from whoosh.analysis import Analyzer, Token

from covenant_hub.language import kyrgyz

# Snowball algorithms (PyStemmer names) for the languages of Covenant members it covers.
SNOWBALL: dict[str, str] = {
    "en": "english", "ru": "russian", "de": "german", "fr": "french", "it": "italian",
    "es": "spanish", "pt": "portuguese", "nl": "dutch", "sv": "swedish", "da": "danish",
    "fi": "finnish", "hu": "hungarian", "ro": "romanian", "el": "greek", "cs": "czech",
    "pl": "polish", "lt": "lithuanian", "et": "estonian", "ga": "irish", "ca": "catalan",
    "eu": "basque", "sr": "serbian", "hy": "armenian", "tr": "turkish", "no": "norwegian",
    "ar": "arabic",
}  # fmt: skip
KYRGYZ = "ky"
GENERIC = "xx"  # any other language: folded words, no stemming
LANGUAGES: tuple[str, ...] = (KYRGYZ, *SNOWBALL, GENERIC)

TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "a an and are as at be but by for from has have in into is it its of on or that the their "
        "this to was were will with we our they not".split()
    ),
    "ru": frozenset(
        "а без более бы был была были было быть в вам вас во вот все всего вы где да для до его "
        "ее если есть еще же за и из или им их к как ко кто ли либо мы на над не него нет ни но "
        "о об однако он она они оно от по при с со так также то только тот у уже что чтобы эта "
        "эти это этот я".split()
    ),
    "ky": frozenset(
        kyrgyz.fold_kyrgyz(w)
        for w in (
            "жана менен үчүн бул ал да де дагы же ошол бир болуп болгон эле деп мен сен биз силер "
            "алар анын аны ага ушул ар ким эмне кандай ошондой боюнча тууралуу жөнүндө эч гана "
            "чейин кийин эми ошо бирок ошентип ошону ушундай"
        ).split()
    ),
}

_FOLD = str.maketrans({"ө": "о", "ү": "у", "ң": "н", "ё": "е", "ß": "ss", "æ": "ae", "ø": "o", "ł": "l"})
_LATIN_ACCENTED = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")
_MAX_TABLE = 400_000


def fold(word: str) -> str:
    """Fold Kyrgyz letters and ё, and strip accents from Latin letters (not from й or Greek)."""
    word = word.translate(_FOLD)
    if _LATIN_ACCENTED.search(word):
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return word


def _stemmer_for(lang: str) -> Any:
    algorithm = SNOWBALL.get(lang)
    return Stemmer.Stemmer(algorithm) if algorithm else None


class _TermTable:
    """Maps a lower-cased word to its index term (None for a stop word), memoised."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.stops = STOPWORDS.get(lang, frozenset())
        self.stemmer = _stemmer_for(lang)
        self.cache: dict[str, str | None] = {}

    def term(self, word: str) -> str | None:
        found = self.cache.get(word, "")
        if found != "":
            return found
        value = self._compute(word)
        if len(self.cache) >= _MAX_TABLE:
            self.cache.clear()
        self.cache[word] = value
        return value

    def _compute(self, word: str) -> str | None:
        if self.lang == KYRGYZ:
            folded = kyrgyz.fold_kyrgyz(word)
            return None if folded in self.stops else kyrgyz.stem_folded(folded)
        if word in self.stops or fold(word) in self.stops:
            return None
        if self.stemmer is not None and not word.isdigit():
            word = self.stemmer.stemWord(word)
        return fold(word)


_TABLES: dict[str, _TermTable] = {}


def term_table(lang: str) -> _TermTable:
    """The shared (per process) term table of a language; unknown languages get the generic one."""
    lang = lang if lang in LANGUAGES else GENERIC
    table = _TABLES.get(lang)
    if table is None:
        table = _TABLES[lang] = _TermTable(lang)
    return table


def analyse(text: str, lang: str) -> list[str]:
    """The index terms of ``text`` in ``lang``, stop words removed, in order."""
    term = term_table(lang).term
    return [t for t in map(term, TOKEN_RE.findall(text.lower())) if t]


def words(text: str) -> list[str]:
    """Lower-cased surface words of ``text`` (no folding, no stemming)."""
    return TOKEN_RE.findall(text.lower())


class LanguageAnalyzer(Analyzer):  # type: ignore[misc]
    """A whoosh analyser for one language; picklable (the schema lives in the index TOC)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LanguageAnalyzer) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash(("LanguageAnalyzer", self.lang))

    def has_morph(self) -> bool:
        return self.lang != GENERIC

    def __call__(  # noqa: PLR0913 - whoosh's analyser protocol
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        table = term_table(self.lang)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if chars or keeporiginal:
            yield from self._with_offsets(value, token, table, start_pos, start_char, removestops)
            return
        source = TOKEN_RE.findall(value.lower()) if tokenize else [value.lower()]
        pos = start_pos
        lookup = table.term
        for word in source:
            term = lookup(word)
            if term is None:
                if removestops:
                    continue
                term = word
            token.text = term
            token.stopped = False
            token.boost = 1.0
            if positions:
                token.pos = pos
            pos += 1
            yield token

    @staticmethod
    def _with_offsets(
        value: str, token: Token, table: _TermTable, pos: int, start_char: int, removestops: bool
    ) -> Iterator[Token]:
        """Slower path keeping character offsets, used for highlighting."""
        for match in TOKEN_RE.finditer(value):
            word = match.group()
            term = table.term(word.lower())
            if term is None and removestops:
                continue
            token.text = term if term is not None else word.lower()
            token.original = word
            token.stopped = term is None
            token.boost = 1.0
            token.pos = pos
            token.startchar = start_char + match.start()
            token.endchar = start_char + match.end()
            pos += 1
            yield token


GRAM_MIN = 3
GRAM_LEN = 5


def prefix_gram(word: str) -> str:
    """The recall key of a folded Kyrgyz word: its first GRAM_LEN letters (or all of it)."""
    return word[:GRAM_LEN]


def query_gram(word: str) -> str | None:
    """The key a query word is looked up by: the prefix of its Kyrgyz stem."""
    stem = term_table(KYRGYZ).term(word.lower())
    if not stem or len(stem) < GRAM_MIN + 1:
        return None
    return prefix_gram(stem)


class EdgeGramAnalyzer(Analyzer):  # type: ignore[misc]
    """One prefix per distinct folded Kyrgyz word: a recall field for forms the stemmer misses.

    A single prefix (rather than every edge n-gram) keeps indexing cost near one posting per
    distinct word; a query word matches any document word sharing its stem's first letters.
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EdgeGramAnalyzer)

    def __hash__(self) -> int:
        return hash("EdgeGramAnalyzer")

    def __call__(
        self, value: str, positions: bool = False, chars: bool = False, **kwargs: Any
    ) -> Iterator[Token]:
        kwargs.pop("removestops", None)
        kwargs.pop("mode", None)
        token = Token(positions, chars, removestops=True, mode="index", **kwargs)
        stops = STOPWORDS[KYRGYZ]
        seen: set[str] = set()
        for word in TOKEN_RE.findall(kyrgyz.fold_kyrgyz(value)):
            if len(word) < GRAM_MIN or word in stops:
                continue
            gram = word[:GRAM_LEN]
            if gram in seen:
                continue
            seen.add(gram)
            token.text = gram
            token.boost = 1.0
            yield token
