"""From what a user typed to a Whoosh query over the per-language fields.

The text is parsed once with Whoosh's parser against a small *parse schema* (one pseudo text
field plus the filter fields), so words, "phrases", AND/OR/NOT, prefix* and field:value work as
users expect. The tree is then rewritten: each word becomes an OR over the language fields it
can belong to, analysed with that language's analyser, keeping only terms the index actually
has (so a Kyrgyz word does not drag in empty Russian, English ... posting lists). Anything the
parser chokes on becomes a plain terms query; this module never raises on user input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from whoosh import fields, query
from whoosh.analysis import Analyzer, Token
from whoosh.qparser import QueryParser, plugins
from whoosh.qparser.syntax import AndGroup

from covenant_hub.language import kyrgyz
from covenant_hub.language.analysis import GRAM_LEN, KYRGYZ, TOKEN_RE, fold, query_gram, term_table
from covenant_hub.language.names import romanisations
from covenant_hub.search.engine.glossary import BOOST as GLOSSARY_BOOST
from covenant_hub.search.engine.glossary import SOURCES, Glossary
from covenant_hub.search.engine.schema import FILTER_FIELDS, GRAM_FIELD, text_field

TEXT = "text"
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
GRAM_BOOST = 0.3
ROMANISED_BOOST = 0.9  # a Cyrillic word's Latin spelling: the same name, a shade below as typed
GRAM_DF_LIMIT = 2000  # the n-gram recall clause is added only for rarer words
MAX_PREFIX_TERMS = 64
PREFIX_STEM_SLACK = 3  # letters a stemmer may cut off the end of a typed prefix
MAX_QUERY_CHARS = 500
_EXPLICIT = re.compile(r'\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b|["*?:()\[\]{}^]')

DocFrequency = Callable[[str, str], int]


class _WordAnalyzer(Analyzer):  # type: ignore[misc]
    """Lower-cased surface words; per-language analysis happens in the rewrite."""

    def __call__(
        self, value: str, positions: bool = False, chars: bool = False, **kwargs: object
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=True, mode="query")
        start_char = int(kwargs.get("start_char", 0) or 0)  # type: ignore[call-overload]
        for pos, match in enumerate(TOKEN_RE.finditer(value)):
            token.text = match.group().lower()
            token.pos = pos
            token.startchar = start_char + match.start()
            token.endchar = start_char + match.end()
            token.boost = 1.0
            token.stopped = False
            yield token


def _parse_schema() -> fields.Schema:
    schema = fields.Schema(**{TEXT: fields.TEXT(analyzer=_WordAnalyzer(), phrase=True)})
    for name in FILTER_FIELDS:
        schema.add(name, fields.ID())
    return schema


def _make_parser() -> QueryParser:
    parser = QueryParser(TEXT, _parse_schema(), group=AndGroup)
    parser.remove_plugin_class(plugins.EveryPlugin)
    parser.remove_plugin_class(plugins.SingleQuotePlugin)
    parser.remove_plugin_class(plugins.BoostPlugin)
    return parser


_PARSER = _make_parser()


def has_operators(text: str) -> bool:
    """True when the user wrote query syntax (then we do not relax AND to OR)."""
    return bool(_EXPLICIT.search(text))


def parse(text: str) -> query.Query | None:
    """Whoosh's reading of ``text`` over the parse schema, or None if it fails."""
    try:
        return _PARSER.parse(text[:MAX_QUERY_CHARS])
    except Exception:  # noqa: BLE001 - any parser failure means "use plain terms"
        return None


def plain_words(text: str) -> list[str]:
    """The words of ``text`` with all syntax ignored (the fallback query)."""
    return TOKEN_RE.findall(text[:MAX_QUERY_CHARS].lower())


@dataclass
class Rewriter:
    """Rewrites a parsed query into the index's fields for a set of candidate languages."""

    languages_for: Callable[[str], Sequence[str]]
    doc_frequency: DocFrequency
    expand_prefix: Callable[[str, str], list[str]]
    unknown_words: list[str] = field(default_factory=list)
    matched_terms: dict[str, set[str]] = field(default_factory=dict)
    glossary: Glossary | None = None  # query translation (see glossary); None: the words only
    translated_terms: dict[str, set[str]] = field(default_factory=dict)

    def rewrite(self, node: query.Query) -> query.Query | None:
        """The rewritten query, or None when nothing searchable is left."""
        if isinstance(node, query.Term):
            return self._term(node)
        if isinstance(node, query.Phrase):
            return self._phrase(node.fieldname, list(node.words))
        if isinstance(node, (query.Prefix, query.Wildcard)):
            return self._prefix(node.fieldname, str(node.text))
        if isinstance(node, query.TermRange):
            return self._range(node)
        if isinstance(node, query.Not):
            inner = self.rewrite(node.query)
            return query.Not(inner) if inner is not None else None
        if isinstance(node, query.BinaryQuery):
            return self._binary(node)
        if isinstance(node, query.CompoundQuery):
            return self._compound(node)
        return None

    def _compound(self, node: query.CompoundQuery) -> query.Query | None:
        children = [c for c in (self.rewrite(s) for s in node.subqueries) if c is not None]
        if not children:
            return None
        if len(children) == 1 and not isinstance(children[0], query.Not):
            return children[0]
        return query.Or(children) if isinstance(node, query.Or) else query.And(children)

    def _binary(self, node: query.BinaryQuery) -> query.Query | None:
        a, b = self.rewrite(node.a), self.rewrite(node.b)
        if a is None or b is None:
            return a if b is None else (None if isinstance(node, query.AndNot) else b)
        return type(node)(a, b)

    def _term(self, node: query.Term) -> query.Query | None:
        if node.fieldname != TEXT:
            return query.Term(node.fieldname, str(node.text).lower())
        return self.word(str(node.text))

    def _range(self, node: query.TermRange) -> query.Query | None:
        if node.fieldname != "year":
            return None
        return query.TermRange("year", node.start, node.end, node.startexcl, node.endexcl)

    def _note(self, fieldname: str, term: str) -> None:
        self.matched_terms.setdefault(fieldname, set()).add(term)

    def word(self, word: str) -> query.Query | None:
        """One word as an OR over its analyses in every candidate language."""
        clauses: list[query.Query] = []
        first: query.Term | None = None
        frequency = 0
        languages = self.languages_for(word)
        for lang in languages:
            term = term_table(lang).term(word)
            if term is None:
                continue
            fieldname = text_field(lang)
            first = first or query.Term(fieldname, term)
            df = self.doc_frequency(fieldname, term)
            if df:
                frequency += df
                clauses.append(query.Term(fieldname, term))
                self._note(fieldname, term)
        if first is None:
            return None  # a stop word in every candidate language
        for fieldname, term, df in self._romanised(word):
            frequency += df
            clauses.append(query.Term(fieldname, term, boost=ROMANISED_BOOST))
            self._note(fieldname, term)
        translated = self._translations(word, languages)
        clauses.extend(translated)
        if not frequency and not translated:
            self.unknown_words.append(word)  # the n-gram clause may still find it; suggest anyway
        gram = self._gram_clause(word, frequency, languages)
        if gram is not None:
            clauses.append(gram)
        if not clauses:
            return first  # matches nothing, so an AND fails and "did you mean" kicks in
        return clauses[0] if len(clauses) == 1 else query.Or(clauses)

    def _romanised(self, word: str) -> list[tuple[str, str, int]]:
        """(field, term, document frequency) of a Cyrillic word's Latin spellings the index holds:
        "Ош" also looks for "Osh", the name as the GCoM list writes it."""
        found: list[tuple[str, str, int]] = []
        for latin in romanisations(word):
            for lang in self.languages_for(latin):
                term = term_table(lang).term(latin.lower())
                fieldname = text_field(lang)
                df = self.doc_frequency(fieldname, term) if term else 0
                if term and df and (fieldname, term) not in {(f, t) for f, t, _ in found}:
                    found.append((fieldname, term, df))
        return found

    def _translations(self, word: str, languages: Sequence[str]) -> list[query.Query]:
        """The word's glossary equivalents the index holds, each weighted at glossary.BOOST."""
        if self.glossary is None:
            return []
        clauses: list[query.Query] = []
        seen = set()
        # a Cyrillic word may be Kyrgyz or Russian even where the index holds neither language
        sources = [*languages, *(lang for lang in SOURCES if lang not in languages and CYRILLIC.search(word))]
        for lang in sources:
            for equivalent in self.glossary.equivalents(word, lang):
                name, terms = text_field(equivalent.lang), list(equivalent.terms)
                if (name, equivalent.terms) in seen or not all(self.doc_frequency(name, t) for t in terms):
                    continue
                seen.add((name, equivalent.terms))
                self.translated_terms.setdefault(name, set()).update(terms)
                if len(terms) == 1:
                    clauses.append(query.Term(name, terms[0], boost=GLOSSARY_BOOST))
                else:
                    clauses.append(query.Phrase(name, terms, boost=GLOSSARY_BOOST))
        return clauses

    def _gram_clause(self, word: str, frequency: int, languages: Sequence[str]) -> query.Query | None:
        """The low-weight Kyrgyz n-gram clause, for words the stems find rarely."""
        if KYRGYZ not in languages or frequency >= GRAM_DF_LIMIT:
            return None
        gram = query_gram(word)
        if gram is None or not self.doc_frequency(GRAM_FIELD, gram):
            return None
        return query.Term(GRAM_FIELD, gram, boost=GRAM_BOOST)

    def _phrase(self, fieldname: str, words: list[str]) -> query.Query | None:
        if fieldname != TEXT:
            return query.Phrase(fieldname, [w.lower() for w in words])
        clauses: list[query.Query] = []
        languages = self._union_languages(words)
        for lang in languages:
            table = term_table(lang)
            terms = [t for t in (table.term(w.lower()) for w in words) if t]
            name = text_field(lang)
            if not terms or not all(self.doc_frequency(name, t) for t in terms):
                continue
            for term in terms:
                self._note(name, term)
            clauses.append(query.Phrase(name, terms) if len(terms) > 1 else query.Term(name, terms[0]))
        if not clauses:
            self.unknown_words.extend(words)
            return _nothing()
        return clauses[0] if len(clauses) == 1 else query.Or(clauses)

    def _prefix(self, fieldname: str, text: str) -> query.Query | None:
        stem = re.split(r"[*?]", text, maxsplit=1)[0].lower()
        if fieldname != TEXT:
            return query.Prefix(fieldname, stem) if stem else None
        if len(stem) < 2:
            return None
        clauses: list[query.Query] = []
        for lang in self.languages_for(stem):
            folded = kyrgyz.fold_kyrgyz(stem) if lang == KYRGYZ else fold(stem)
            if lang == KYRGYZ and len(folded) == GRAM_LEN:
                if self.doc_frequency(GRAM_FIELD, folded):
                    clauses.append(query.Term(GRAM_FIELD, folded))
                continue
            clauses.extend(self._prefix_terms(text_field(lang), folded))
        if not clauses:
            return _nothing()
        return clauses[0] if len(clauses) == 1 else query.Or(clauses)

    def _union_languages(self, words: list[str]) -> list[str]:
        languages: list[str] = []
        for word in words:
            languages.extend(lang for lang in self.languages_for(word) if lang not in languages)
        return languages

    def _prefix_terms(self, fieldname: str, prefix: str) -> list[query.Query]:
        """A prefix as an OR of at most MAX_PREFIX_TERMS exact terms, scored alike.

        Terms are stems, which may be shorter than what was typed ("renovat*" must reach the
        stem "renov" of "renovation"), so stems that the prefix extends by a few letters count.
        """
        short = prefix[: max(3, len(prefix) - PREFIX_STEM_SLACK)]
        terms = [
            term for term in self.expand_prefix(fieldname, short)
            if term.startswith(prefix) or (prefix.startswith(term) and len(term) >= len(short))
        ][:MAX_PREFIX_TERMS]  # fmt: skip
        for term in terms:
            self._note(fieldname, term)
        if not terms:
            return []
        if len(terms) == 1:
            return [query.Term(fieldname, terms[0])]
        return [query.ConstantScoreQuery(query.Or([query.Term(fieldname, t) for t in terms]), 1.0)]


def _nothing() -> query.Query:
    """A query that matches no document but, unlike None, keeps an AND from matching."""
    return query.Term("key", "\x00")


def words_query(words: list[str], rewriter: Rewriter, any_word: bool = False) -> query.Query | None:
    """The fallback: plain words, all required (or any of them when relaxing)."""
    clauses = [c for c in (rewriter.word(w) for w in words) if c is not None]
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    return query.Or(clauses) if any_word else query.And(clauses)
