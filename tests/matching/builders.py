"""Small hand-made snapshots with known answers for the engine tests."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import numpy as np

from covenant_hub.matching.engine.model import MatchModel, load_weights
from covenant_hub.matching.engine.records import LinkRecord, OrgRecord, PracticeRecord, Snapshot

BISHKEK = (42.87, 74.59)
OSH = (40.51, 72.80)


class Toy:
    """Collects organisations and links, handing out ids."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.orgs: list[OrgRecord] = []
        self.links: list[LinkRecord] = []
        self.practices: list[PracticeRecord] = []

    def org(
        self,
        kind: str = "signatory",
        near: tuple[float, float] = BISHKEK,
        dlat: float = 0.0,
        **fields: object,
    ) -> OrgRecord:
        number = next(self.ids)
        values: dict[str, object] = {
            "id": number,
            "external_id": f"toy-{number}",
            "kind": kind,
            "name": f"{kind} {number}",
            "country": "kg",
            "lat": near[0] + dlat,
            "lon": near[1],
            "joined": date(2012, 1, 1),
        }
        values.update(fields)
        record = OrgRecord(**values)  # type: ignore[arg-type]
        self.orgs.append(record)
        return record

    def link(self, source: OrgRecord, target: OrgRecord, kind: str = "supported_by") -> None:
        self.links.append(LinkRecord(source.id, target.id, kind, source.joined))

    def practice(self, org: OrgRecord, title: str, summary: str = "") -> PracticeRecord:
        record = PracticeRecord(id=len(self.practices) + 1, org_id=org.id, title=title, summary=summary)
        self.practices.append(record)
        return record

    def snapshot(self) -> Snapshot:
        return Snapshot(orgs=list(self.orgs), links=list(self.links), practices=list(self.practices))

    def model(self, embedder: Any = None, vectors: dict[str, tuple[str, Any]] | None = None) -> MatchModel:
        """The model; with an `embedder` (and the search's stored practice `vectors`) the texts
        meet by meaning too."""
        snapshot = self.snapshot()
        snapshot.vectors = vectors or {}
        return MatchModel.build(snapshot, load_weights(), embedder=embedder)


class TableEmbedder:
    """An embedder that knows what a few texts mean: each maps to one of a few orthogonal
    topics, whatever its language; any other text is off every topic. For reasons and
    plumbing; the real model's quality is measured in test_meaning.py."""

    name = "table-test"
    dim = 16

    def __init__(self, topics: dict[str, int]) -> None:
        self.topics = topics

    def vector(self, text: str) -> np.ndarray:
        out = np.zeros(self.dim, np.float32)
        topic = self.topics.get(text.strip())
        out[topic if topic is not None else self.dim - 1] = 1.0
        return out

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        titles = [t.split("\n", 1)[0] for t in texts]  # document_views: "title\nbody", then the title
        return np.stack([self.vector(t) for t in titles]) if texts else np.zeros((0, self.dim))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vector(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def stored(self, practice: PracticeRecord, lang: str = "en") -> tuple[str, np.ndarray]:
        """The (language, views) the search would have stored for a practice."""
        one = self.vector(practice.title)
        return lang, np.stack([one, one])


def two_clusters() -> tuple[Toy, dict[str, OrgRecord]]:
    """Three cities round Bishkek supported by S, four round Osh supported by the bigger T."""
    toy = Toy()
    s = toy.org("supporter", name="Bishkek network")
    t = toy.org("supporter", near=OSH, name="Osh network")
    for i in range(3):
        toy.link(toy.org(dlat=0.02 * (i + 1)), s)
    for i in range(4):
        toy.link(toy.org(near=OSH, dlat=0.02 * (i + 1)), t)
    newcomer = toy.org(dlat=0.01, name="Newcomer", joined=date(2017, 3, 1))
    return toy, {"s": s, "t": t, "new": newcomer}
