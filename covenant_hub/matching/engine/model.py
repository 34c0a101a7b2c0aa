"""The match model: graph, text index and tuned weights, built from a snapshot.

A full `build` takes a few seconds at GCoM scale; the `put_*`/`set_link` methods keep a built
model current when one organisation, link or practice changes, at a cost that depends on that
record and its neighbours only.
"""

from __future__ import annotations

import json
import pickle  # noqa: S403 - the model file is our own derived artefact, never user input
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from covenant_hub.language.embedding import Embedder
from covenant_hub.matching.engine.graph import KINDS, GraphIndex
from covenant_hub.matching.engine.meaning import MeaningIndex
from covenant_hub.matching.engine.records import CITY_KINDS, LinkRecord, OrgRecord, PracticeRecord, Snapshot
from covenant_hub.matching.engine.text import TextIndex, need_text, offer_text

WEIGHTS_PATH = Path(__file__).with_name("weights.json")
MASK_FIELDS = ("languages", "sectors", "commitments")


def load_weights(path: str | Path | None = None) -> dict[str, Any]:
    """The weights stored with the model (written by `flask match tune`)."""
    weights: dict[str, Any] = json.loads(Path(path or WEIGHTS_PATH).read_text(encoding="utf-8"))
    return weights


def save_weights(weights: dict[str, Any], path: str | Path | None = None) -> None:
    text = json.dumps(weights, indent=2, sort_keys=True) + "\n"
    Path(path or WEIGHTS_PATH).write_text(text, encoding="utf-8")


class MatchModel:
    """Everything a recommendation reads. Rows of the graph, text and masks are aligned."""

    def __init__(self, graph: GraphIndex, text: TextIndex, weights: dict[str, Any]) -> None:
        self.graph = graph
        self.text = text
        self.weights = weights
        self.orgs: dict[int, OrgRecord] = {}
        self.practices: dict[int, list[PracticeRecord]] = defaultdict(list)
        self.bits: dict[str, dict[str, int]] = {name: {} for name in MASK_FIELDS}
        self.masks = {name: np.zeros(graph.capacity, dtype=np.uint64) for name in MASK_FIELDS}
        self.practice_count = np.zeros(graph.capacity)
        self.city_kind_codes = np.array([KINDS.index(k) for k in CITY_KINDS], dtype=np.int32)
        self.build_seconds = 0.0
        self.meaning: MeaningIndex | None = None  # None: TF-IDF alone (no model, or off)

    def weights_for(self, profile: str, kind: str) -> dict[str, float]:
        """The feature weights of one requester profile; a network's depend on what it asks for."""
        weights = self.weights["profiles"][profile]
        chosen: dict[str, float] = weights[kind] if profile == "network" else weights
        return chosen

    @classmethod
    def build(
        cls,
        snapshot: Snapshot,
        weights: dict[str, Any] | None = None,
        vectorizer: Any = None,
        embedder: Embedder | None = None,
    ) -> MatchModel:
        """A fresh model; `vectorizer` reuses a fitted vocabulary (tests compare with it);
        with an `embedder`, needs meet offers and practices by meaning too (`meaning`)."""
        started = time.perf_counter()
        weights = weights or load_weights()
        graph = GraphIndex.build(snapshot, weights.get("recency_days", 730.0), weights["ppr"]["kind_weights"])
        model = cls(graph, TextIndex(None, graph.capacity, 1), weights)
        model.orgs = {org.id: org for org in snapshot.orgs}
        for practice in snapshot.practices:
            if practice.org_id in graph.pos:
                model.practices[practice.org_id].append(practice)
        for org in snapshot.orgs:
            model._set_masks(graph.pos[org.id], org)
            model.practice_count[graph.pos[org.id]] = len(model.practices.get(org.id, ()))
        rows = [
            (graph.pos[o.id], need_text(o), offer_text(o, model.practices.get(o.id, [])))
            for o in snapshot.orgs
        ]
        model.text = TextIndex.build(rows, graph.capacity, vectorizer)
        if embedder is not None:
            model.meaning = MeaningIndex.build(embedder, snapshot.orgs, list(snapshot.practices),
                                               snapshot.vectors)  # fmt: skip
        model.build_seconds = time.perf_counter() - started
        return model

    def _set_masks(self, row: int, org: OrgRecord) -> None:
        for name in MASK_FIELDS:
            mask = 0
            for value in getattr(org, name):
                bit = self.bits[name].setdefault(value, len(self.bits[name]))
                if bit < 63:
                    mask |= 1 << bit
            self.masks[name][row] = np.uint64(mask)

    # -- incremental refresh --------------------------------------------------------------
    def put_org(self, org: OrgRecord) -> None:
        """Add or change one organisation: its attributes, masks and text vectors."""
        capacity = self.graph.capacity
        row = self.graph.put_org(org)
        if self.graph.capacity != capacity:
            self._grow(self.graph.capacity)
        self.orgs[org.id] = org
        self._set_masks(row, org)
        self._refresh_text(org.id)
        if self.meaning is not None:
            self.meaning.put_org(org)

    def remove_org(self, org_id: int) -> None:
        """Withdraw a deleted organisation: its links go and it is never a candidate again."""
        row = self.graph.pos.get(org_id)
        if row is None:
            return
        for kind, matrix in self.graph.adj.items():
            for other in matrix.row(row)[0].tolist():
                ids = (org_id, self.graph.ids[other])
                self.graph.set_link(LinkRecord(*ids, kind), False)
                self.graph.set_link(LinkRecord(*ids[::-1], kind), False)
        self.graph.kind[row] = -1

    def set_link(self, link: LinkRecord, present: bool = True) -> None:
        """Add or remove one link."""
        self.graph.set_link(link, present)

    def put_practice(self, practice: PracticeRecord, present: bool = True, vectors: Any = None) -> None:
        """Add, change (present=True) or withdraw (present=False) one published practice;
        ``vectors`` are the search's stored ones for it, when it has them."""
        if self.meaning is not None and practice.id > 0:
            self.meaning.put_practice(practice, present, vectors)
        own = [p for p in self.practices.get(practice.org_id, []) if p.id != practice.id]
        if present:
            own.append(practice)
        self.practices[practice.org_id] = own
        row = self.graph.pos.get(practice.org_id)
        if row is not None:
            self.practice_count[row] = len(own)
            self._refresh_text(practice.org_id)

    def _refresh_text(self, org_id: int) -> None:
        org = self.orgs[org_id]
        done = self.practices.get(org_id, [])
        self.text.set_texts(self.graph.pos[org_id], need_text(org), offer_text(org, done))

    def _grow(self, capacity: int) -> None:
        extra = capacity - len(self.practice_count)
        self.practice_count = np.concatenate([self.practice_count, np.zeros(extra)])
        for name in MASK_FIELDS:
            self.masks[name] = np.concatenate([self.masks[name], np.zeros(extra, dtype=np.uint64)])
        self.text.grow(capacity)

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write the model next to the database, for workers to load instead of rebuilding."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        draft = target.with_suffix(".tmp")
        with draft.open("wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
        draft.replace(target)

    @staticmethod
    def load(path: str | Path) -> MatchModel:
        with Path(path).open("rb") as handle:
            model = pickle.load(handle)  # noqa: S301 - written by `save` above, not user input
        if not isinstance(model, MatchModel):
            raise TypeError(f"{path} does not hold a match model")
        return model
