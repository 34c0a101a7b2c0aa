"""How well a city's written needs find the supporter whose practice answers them, by text alone.

Each judged need becomes a city whose ``needs`` is the need's text; each practice of the set is
published by a supporter of its own; the city's candidates are ranked by the matchmaker's text
feature (``features._text``: what the engine's "text" weight multiplies), once with TF-IDF alone
and once with meaning as well. The score is MRR@10 of the supporter that published the answer,
per language pair ("ky-en": a Kyrgyz need, an English practice). A candidate scoring zero is
not ranked at all (it would only be there by the order of ties).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from covenant_hub.language.embedding import Embedder, document_views
from covenant_hub.matching.engine.features.common import text_similarity as _text
from covenant_hub.matching.engine.model import MatchModel, load_weights
from covenant_hub.matching.engine.records import OrgRecord, PracticeRecord, Snapshot

CUTOFF = 10
BODY_CHARS = 1000  # what the search embeds of a body (vectors.text_of)


def needs_snapshot(practices: list[dict[str, Any]], needs: list[dict[str, Any]]) -> Snapshot:
    """Supporters 1..P, one practice each (id = supporter id), then one city per need."""
    orgs, records = [], []
    for number, doc in enumerate(practices, start=1):
        orgs.append(
            OrgRecord(id=number, external_id=doc["key"], kind="supporter", name=f"supporter {number}")
        )
        records.append(
            PracticeRecord(
                id=number,
                org_id=number,
                title=doc["title"],
                summary=doc["body"],
                sectors=tuple(doc.get("sectors", ())),
                language=doc["lang"],
            )  # fmt: skip
        )
    for number, need in enumerate(needs, start=len(practices) + 1):
        city = f"city {number}"
        orgs.append(
            OrgRecord(id=number, external_id=f"need-{number}", kind="signatory", name=city, needs=need["q"])
        )
    return Snapshot(orgs=orgs, practices=records)


def stored_vectors(embedder: Embedder, practices: list[dict[str, Any]]) -> dict[str, tuple[str, np.ndarray]]:
    """The vectors the search would have stored for the practices (``practice:<id>``)."""
    views = document_views(
        embedder, [d["title"] for d in practices], [d["body"][:BODY_CHARS] for d in practices]
    )
    return {f"practice:{i}": (d["lang"], views[i - 1]) for i, d in enumerate(practices, start=1)}


def mrr_by_pair(
    model: MatchModel, practices: list[dict[str, Any]], needs: list[dict[str, Any]]
) -> dict[str, float]:
    owner = {doc["key"]: number for number, doc in enumerate(practices, start=1)}
    supporters = np.array([model.graph.pos[number] for number in range(1, len(practices) + 1)])
    per_pair: dict[str, list[float]] = defaultdict(list)
    for number, need in enumerate(needs, start=len(practices) + 1):
        scores = _text(model, model.graph.pos[number], "offers", supporters)
        order = [int(i) for i in np.argsort(-scores, kind="stable")[:CUTOFF] if scores[i] > 0]
        answers = {owner[key] for key in need["first"]}
        rank = next((r for r, i in enumerate(order, 1) if i + 1 in answers), None)
        per_pair[need["pair"]].append(1.0 / rank if rank else 0.0)
    return {pair: round(sum(v) / len(v), 3) for pair, v in sorted(per_pair.items())}


def evaluate_needs(
    practices: list[dict[str, Any]], needs: list[dict[str, Any]], embedder: Embedder
) -> dict[str, dict[str, float]]:
    """MRR@10 per language pair, TF-IDF alone ("words") and with meaning ("meaning"), plus
    "cross" and "same": the overall figure of the cross- and same-language pairs."""
    snapshot = needs_snapshot(practices, needs)
    words = MatchModel.build(snapshot, load_weights())
    snapshot.vectors = stored_vectors(embedder, practices)
    meaning = MatchModel.build(snapshot, load_weights(), embedder=embedder)
    out = {"words": mrr_by_pair(words, practices, needs), "meaning": mrr_by_pair(meaning, practices, needs)}
    counts: dict[str, int] = defaultdict(int)
    for need in needs:
        counts[need["pair"]] += 1
    for figures in out.values():
        for name, cross in (("cross", True), ("same", False)):
            chosen = [p for p in counts if (p[:2] != p[3:]) == cross]
            total = sum(counts[p] for p in chosen)
            figures[name] = round(sum(figures[p] * counts[p] for p in chosen) / total, 3) if total else 0.0
    return out
