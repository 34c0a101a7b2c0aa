"""Benchmark our Whoosh pipeline against SQLite FTS5 on the same synthetic corpus.

    .venv/bin/python bench/search_bench.py --docs 100000

The corpus mixes Kyrgyz, Russian and English pseudo-words drawn from a Zipf distribution
(10% long practices, 90% short posts), with inflected endings so the stemmers have work to do.
Both engines index the same documents and answer the same 500 queries (two-word AND, two-word
OR, phrase, prefix); the last line printed is one JSON object with the figures. Seeded, so two
runs index and query the same text.

``query_*`` times our searches as FTS5 is timed: top 10 by BM25, no facets, snippets or exact
count. ``full_query_*`` repeats them as the search page asks (facets, exact total, highlighted
snippets, suggestions). CPU-second rates are given beside wall-clock ones because the machine
may be shared; ``load_avg_1m`` says how busy it was.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from covenant_hub.search.engine.index import SearchIndex, default_procs  # noqa: E402
from covenant_hub.search.engine.results import SearchQuery  # noqa: E402
from covenant_hub.search.engine.schema import SearchDocument  # noqa: E402

SEED = 20261127
LANG_SHARE = (("ky", 0.4), ("ru", 0.35), ("en", 0.25))
VOCAB = 20_000
ZIPF_S = 1.07
SYLLABLES = {
    "ky": ("шаа", "рд", "көч", "өл", "үй", "жы", "луу", "мек", "теп", "кы", "ргыз", "энер", "гия", "суу",
           "тоо", "ай", "ыл", "таш", "күн", "бак", "жар", "ык", "бол", "кур", "уу", "чы", "ма", "ар", "ңыз",
           "ке"),
    "ru": ("го", "род", "све", "ще", "ни", "теп", "ло", "энер", "ги", "за", "мен", "ст", "ро", "ва", "дом",
           "ули", "ца", "сбор", "от", "хо", "ды", "тра", "нс", "пор", "кра", "со", "лн", "це", "ко", "ми"),
    "en": ("str", "eet", "li", "ght", "heat", "ing", "dis", "trict", "sol", "ar", "pan", "el", "bus", "way",
           "re", "tro", "fit", "wa", "ste", "col", "lec", "tion", "en", "er", "gy", "pla", "nt", "sch", "ool",
           "ho"),
}  # fmt: skip
ENDINGS = {
    "ky": ("", "", "", "дын", "га", "да", "дан", "лар", "лардын", "сы", "ны", "ибиз", "тер"),
    "ru": ("", "", "", "а", "ы", "ов", "ами", "ах", "ом", "е", "ой", "у"),
    "en": ("", "", "", "s", "ing", "ed", "es", "er"),
}
QUERY_KINDS = ("and", "or", "phrase", "prefix")


@dataclass(frozen=True)
class Lexicon:
    """A Zipf-weighted vocabulary of one language."""

    lang: str
    words: list[str]
    cum_weights: list[float]

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)


def build_lexicon(lang: str, rng: random.Random) -> Lexicon:
    syllables, endings = SYLLABLES[lang], ENDINGS[lang]
    seen: set[str] = set()
    words: list[str] = []
    while len(words) < VOCAB:
        stem = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        word = stem + rng.choice(endings)
        if word not in seen:
            seen.add(word)
            words.append(word)
    total = 0.0
    cum: list[float] = []
    for rank in range(1, VOCAB + 1):
        total += 1.0 / rank**ZIPF_S
        cum.append(total)
    return Lexicon(lang, words, cum)


def corpus(n: int, lexicons: dict[str, Lexicon], seed: int = SEED) -> Iterator[SearchDocument]:
    """``n`` documents, the same ones for a given seed."""
    rng = random.Random(seed)
    langs = [lang for lang, _ in LANG_SHARE]
    shares = [share for _, share in LANG_SHARE]
    for i in range(n):
        lang = rng.choices(langs, weights=shares)[0]
        lex = lexicons[lang]
        practice = i % 10 == 0
        title = " ".join(lex.sample(rng, 6 if practice else 5))
        body = " ".join(lex.sample(rng, rng.randint(150, 300) if practice else rng.randint(20, 80)))
        kind = "practice" if practice else "post"
        yield SearchDocument(
            key=f"{kind}:{i}", type=kind, ext_id=str(i), title=title.capitalize(), body=body + ".",
            language=lang, year=2015 + i % 10, country=("kg", "kz", "de", "fr")[i % 4],
        )  # fmt: skip


def make_queries(lexicons: dict[str, Lexicon], count: int = 500) -> list[tuple[str, str]]:
    """(language, query text) pairs, an even mix of the four kinds."""
    rng = random.Random(SEED + 1)
    out: list[tuple[str, str]] = []
    langs = [lang for lang, _ in LANG_SHARE]
    shares = [share for _, share in LANG_SHARE]
    for i in range(count):
        lang = rng.choices(langs, weights=shares)[0]
        a, b = lexicons[lang].sample(rng, 2)
        kind = QUERY_KINDS[i % len(QUERY_KINDS)]
        text = {"and": f"{a} {b}", "or": f"{a} OR {b}", "phrase": f'"{a} {b}"', "prefix": f"{a[:4]}*"}[kind]
        out.append((lang, text))
    return out


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the parallel index writers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return round(statistics.median(ordered), 3), round(p95, 3)


def bench_fts5(docs: list[SearchDocument], queries: list[tuple[str, str]], folder: Path) -> dict[str, float]:
    db = sqlite3.connect(folder / "fts.sqlite")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(key UNINDEXED, title, body, tokenize='unicode61')")
    start, cpu = time.perf_counter(), cpu_seconds()
    with db:
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((d.key, d.title, d.body) for d in docs))
    rate = len(docs) / (time.perf_counter() - start)
    cpu_rate = len(docs) / max(cpu_seconds() - cpu, 1e-9)
    sql = "SELECT key FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10"
    for _, text in queries[:20]:
        db.execute(sql, (text,)).fetchall()
    times = [timed(lambda t=text: db.execute(sql, (t,)).fetchall()) for _, text in queries]
    db.close()
    p50, p95 = percentiles(times)
    return {
        "fts5_index_docs_per_s": round(rate, 1), "fts5_query_p50_ms": p50, "fts5_query_p95_ms": p95,
        "fts5_index_docs_per_cpu_s": round(cpu_rate, 1),
    }  # fmt: skip


def bench_ours(
    docs: list[SearchDocument], queries: list[tuple[str, str]], folder: Path, procs: int
) -> dict[str, float]:
    ix = SearchIndex(folder / "index")
    start, cpu = time.perf_counter(), cpu_seconds()
    ix.rebuild(iter(docs), procs=procs)
    rate = len(docs) / (time.perf_counter() - start)
    cpu_rate = len(docs) / max(cpu_seconds() - cpu, 1e-9)

    def lean(lang: str, text: str) -> SearchQuery:
        return SearchQuery(
            text, user_lang=lang, facets=False, highlight=False, suggest=False, exact_total=False
        )

    def full(lang: str, text: str) -> SearchQuery:
        return SearchQuery(text, user_lang=lang)

    for lang, text in queries[:20]:
        ix.search(lean(lang, text))
    times = [timed(lambda q=lean(lang, text): ix.search(q)) for lang, text in queries]
    full_times = [timed(lambda q=full(lang, text): ix.search(q)) for lang, text in queries]
    ix.close()
    p50, p95 = percentiles(times)
    f50, f95 = percentiles(full_times)
    return {
        "index_docs_per_s": round(rate, 1), "query_p50_ms": p50, "query_p95_ms": p95,
        "full_query_p50_ms": f50, "full_query_p95_ms": f95, "index_docs_per_cpu_s": round(cpu_rate, 1),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--procs", type=int, default=default_procs())
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    lexicons = {lang: build_lexicon(lang, rng) for lang, _ in LANG_SHARE}
    docs = list(corpus(args.docs, lexicons))
    queries = make_queries(lexicons, args.queries)
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        folder = Path(tmp)
        ours = bench_ours(docs, queries, folder, args.procs)
        fts = bench_fts5(docs, queries, folder)
    load = round(os.getloadavg()[0], 2)
    line = {"docs": args.docs, **ours, **fts, "procs": args.procs, "load_avg_1m": load}
    print(json.dumps(line, sort_keys=False))


if __name__ == "__main__":
    main()
