"""The organisation graph: node attributes as arrays, one symmetric sparse matrix per link kind.

networkx is used only to inspect the graph (`to_networkx`); everything on the request path
works on numpy arrays and `PatchedMatrix`, and every change costs O(degree), not O(graph).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import networkx as nx
import numpy as np
from scipy import sparse

from covenant_hub.matching.engine.records import LINK_KINDS, LINK_OF_KIND, LinkRecord, OrgRecord, Snapshot
from covenant_hub.matching.engine.sparse import PatchedMatrix

KINDS = ("signatory", "candidate", "supporter", "coordinator", "office")
MEMBER_LINKS = tuple(LINK_OF_KIND.values())
COMMITMENTS = ("2020", "2030", "2050", "adaptation", "energy_poverty")


class GraphIndex:
    """Rows are organisations; `pos[org_id]` gives the row. Capacity grows by doubling."""

    def __init__(
        self,
        capacity: int,
        reference: date | None = None,
        recency_days: float = 730.0,
        walk_weights: dict[str, float] | None = None,
    ) -> None:
        self.capacity = max(capacity, 16)
        # The random walk of personalised PageRank runs on one weighted sum of the link kinds.
        self.walk_weights = walk_weights or dict.fromkeys(LINK_KINDS, 1.0)
        # Recency of each member: exp(-(reference - joined) / recency_days), fixed at build.
        self.reference = reference
        self.recency_days = recency_days
        self.ids: list[int] = []
        self.pos: dict[int, int] = {}
        self.countries: dict[str, int] = {}
        cap = self.capacity
        self.lat = np.full(cap, np.nan)
        self.lon = np.full(cap, np.nan)
        self.logpop = np.full(cap, np.nan)
        self.country = np.full(cap, -1, dtype=np.int32)
        self.kind = np.full(cap, -1, dtype=np.int32)
        self.recency = np.zeros(cap)
        # Who joined on which day: cities that sign up together often share a coordinator.
        self.cohorts: dict[date, set[int]] = {}
        self.joined: dict[int, date] = {}
        self.commit = np.zeros((cap, len(COMMITMENTS)))
        self.adj = {k: PatchedMatrix(sparse.csr_matrix((cap, cap))) for k in LINK_KINDS}
        self.deg = {k: np.zeros(cap) for k in LINK_KINDS}
        self.walk = PatchedMatrix(sparse.csr_matrix((cap, cap)))
        self.walk_deg = np.zeros(cap)
        # Per network org: how many members it has in each country, and their log populations.
        self.member_countries: dict[str, dict[int, Counter[int]]] = {k: {} for k in MEMBER_LINKS}
        self.member_logpop = {k: np.zeros((cap, 2)) for k in MEMBER_LINKS}
        self.member_commit = {k: np.zeros((cap, len(COMMITMENTS))) for k in MEMBER_LINKS}

    @property
    def n(self) -> int:
        return len(self.ids)

    def kind_rows(self, kind: str) -> np.ndarray:
        return np.flatnonzero(self.kind[: self.n] == KINDS.index(kind))

    def country_code(self, country: str | None) -> int:
        if not country:
            return -1
        return self.countries.setdefault(country, len(self.countries))

    def neighbours(self, row: int, link_kind: str) -> np.ndarray:
        return self.adj[link_kind].row(row)[0]

    # -- building -----------------------------------------------------------------------
    @classmethod
    def build(
        cls, snapshot: Snapshot, recency_days: float = 730.0, walk_weights: dict[str, float] | None = None
    ) -> GraphIndex:
        dates = [o.joined for o in snapshot.orgs if o.joined]
        graph = cls(int(len(snapshot.orgs) * 1.25) + 16, max(dates, default=None), recency_days, walk_weights)
        for org in snapshot.orgs:
            graph.put_org(org)
        graph._load_links(snapshot.links)
        return graph

    def _load_links(self, links: list[LinkRecord]) -> None:
        """All links at once: one COO matrix per kind, duplicates folded to weight 1."""
        cap = self.capacity
        for kind in LINK_KINDS:
            pairs = {
                (self.pos[li.source], self.pos[li.target])
                for li in links
                if li.kind == kind
                and li.source in self.pos
                and li.target in self.pos
                and li.source != li.target
            }
            rows = np.array([p[0] for p in pairs] + [p[1] for p in pairs], dtype=np.int32)
            cols = np.array([p[1] for p in pairs] + [p[0] for p in pairs], dtype=np.int32)
            matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(cap, cap))
            matrix.data[:] = 1.0  # an undirected link given both ways counts once
            self.adj[kind] = PatchedMatrix(matrix)
            self.deg[kind] = np.asarray(matrix.sum(axis=1)).ravel()
            for source, target in pairs:
                if kind in MEMBER_LINKS:
                    self._member_stats(kind, source, target, +1)
        walk = sum(self.walk_weights.get(k, 0.0) * self.adj[k].base for k in LINK_KINDS)
        self.walk = PatchedMatrix(sparse.csr_matrix(walk))
        self.walk_deg = sum((self.walk_weights.get(k, 0.0) * self.deg[k] for k in LINK_KINDS), np.zeros(cap))

    # -- incremental changes --------------------------------------------------------------
    def put_org(self, org: OrgRecord) -> int:
        """Add or update one organisation's attributes; O(its degree)."""
        row = self.pos.get(org.id)
        if row is None:
            row = self._append(org.id)
        else:
            self._each_membership(row, -1)
        self.lat[row] = np.nan if org.lat is None else org.lat
        self.lon[row] = np.nan if org.lon is None else org.lon
        self.logpop[row] = np.log10(org.population) if org.population else np.nan
        self.country[row] = self.country_code(org.country)
        self.kind[row] = KINDS.index(org.kind) if org.kind in KINDS else -1
        self.recency[row] = self._recency(org.joined)
        self._set_cohort(row, org.joined)
        self.commit[row] = [float(c in org.commitments) for c in COMMITMENTS]
        self._each_membership(row, +1)
        return row

    def _set_cohort(self, row: int, joined: date | None) -> None:
        old = self.joined.pop(row, None)
        if old is not None:
            self.cohorts[old].discard(row)
        if joined is not None:
            self.joined[row] = joined
            self.cohorts.setdefault(joined, set()).add(row)

    def cohort(self, row: int) -> np.ndarray:
        """Other organisations that joined on the same day as `row`."""
        joined = self.joined.get(row)
        mates = self.cohorts.get(joined, set()) if joined else set()
        return np.array(sorted(mates - {row}), dtype=np.int64)

    def _recency(self, joined: date | None) -> float:
        if joined is None or self.reference is None:
            return 0.0
        return float(np.exp(-max((self.reference - joined).days, 0) / self.recency_days))

    def set_link(self, link: LinkRecord, present: bool) -> None:
        """Add (present=True) or remove one link; O(degree of its two ends)."""
        a, b = self.pos.get(link.source), self.pos.get(link.target)
        if a is None or b is None or a == b:
            return
        matrix = self.adj[link.kind]
        if (b in matrix.row(a)[0]) == present:
            return
        for x, y in ((a, b), (b, a)):
            cols, vals = matrix.row(x)
            if present:
                cols, vals = np.append(cols, y), np.append(vals, 1.0)
            else:
                keep = cols != y
                cols, vals = cols[keep], vals[keep]
            matrix.set_row(x, cols, vals)
            self.deg[link.kind][x] += 1 if present else -1
            self._walk_step(x, y, self.walk_weights.get(link.kind, 0.0) * (1 if present else -1))
        if link.kind in MEMBER_LINKS:
            self._member_stats(link.kind, a, b, +1 if present else -1)

    def _walk_step(self, x: int, y: int, change: float) -> None:
        """Keep the walk matrix equal to the weighted sum of the kinds, one entry at a time."""
        cols, vals = self.walk.row(x)
        hit = cols == y
        if hit.any():
            vals = vals.copy()
            vals[hit] += change
        else:
            cols, vals = np.append(cols, y), np.append(vals, change)
        self.walk.set_row(x, cols, np.where(np.abs(vals) < 1e-12, 0.0, vals))
        self.walk_deg[x] += change

    def _append(self, org_id: int) -> int:
        row = self.n
        if row >= self.capacity:
            self._grow(self.capacity * 2)
        self.ids.append(org_id)
        self.pos[org_id] = row
        return row

    def _grow(self, capacity: int) -> None:
        extra = capacity - self.capacity
        fills = (
            ("lat", np.nan),
            ("lon", np.nan),
            ("logpop", np.nan),
            ("country", -1),
            ("kind", -1),
            ("recency", 0.0),
        )
        for name, fill in fills:
            old = getattr(self, name)
            setattr(self, name, np.concatenate([old, np.full(extra, fill, dtype=old.dtype)]))
        self.walk.grow(capacity, capacity)
        self.walk_deg = np.concatenate([self.walk_deg, np.zeros(extra)])
        for kind in LINK_KINDS:
            self.adj[kind].grow(capacity, capacity)
            self.deg[kind] = np.concatenate([self.deg[kind], np.zeros(extra)])
        self.commit = np.vstack([self.commit, np.zeros((extra, len(COMMITMENTS)))])
        for kind in MEMBER_LINKS:
            self.member_logpop[kind] = np.vstack([self.member_logpop[kind], np.zeros((extra, 2))])
            self.member_commit[kind] = np.vstack(
                [self.member_commit[kind], np.zeros((extra, len(COMMITMENTS)))]
            )
        self.capacity = capacity

    def _each_membership(self, row: int, sign: int) -> None:
        for kind in MEMBER_LINKS:
            for target in self.neighbours(row, kind):
                self._member_stats(kind, row, int(target), sign)

    def _member_stats(self, kind: str, member: int, target: int, sign: int) -> None:
        """Keep per-target member counts by country and log-population sums current."""
        if self.kind[target] == KINDS.index("signatory") or self.kind[target] == KINDS.index("candidate"):
            member, target = target, member
        counts = self.member_countries[kind].setdefault(target, Counter())
        counts[int(self.country[member])] += sign
        self.member_commit[kind][target] += sign * self.commit[member]
        if not np.isnan(self.logpop[member]):
            self.member_logpop[kind][target] += sign * np.array([self.logpop[member], 1.0])

    # -- request path ---------------------------------------------------------------------
    def personalised_pagerank(self, seed: dict[int, float], restart: float, iterations: int) -> np.ndarray:
        """PPR by sparse power iteration over the weighted sum of the link kinds."""
        s = np.zeros(self.capacity)
        for row, weight in seed.items():
            s[row] += weight
        if s.sum() <= 0:
            return s
        s /= s.sum()
        degree = self.walk_deg
        inverse = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
        dangling = degree <= 0
        x = s.copy()
        for _ in range(iterations):
            walked = self.walk.matvec(x * inverse)
            lost = x[dangling].sum()  # dangling mass goes back to the seed
            x = restart * s + (1 - restart) * (walked + lost * s)
        return x

    def to_networkx(self, orgs: dict[int, OrgRecord]) -> nx.MultiGraph:
        """The graph for inspection and pictures (never on the request path)."""
        graph = nx.MultiGraph()
        for org_id in self.ids:
            org = orgs.get(org_id)
            graph.add_node(org_id, name=org.name if org else "", kind=org.kind if org else "")
        for kind in LINK_KINDS:
            coo = sparse.triu(self.adj[kind].tocsr()).tocoo()
            for a, b in zip(coo.row, coo.col, strict=True):
                graph.add_edge(self.ids[a], self.ids[b], kind=kind)
        return graph
