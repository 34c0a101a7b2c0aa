"""Baselines the engine must beat, each ranking the same candidates from the same model."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from covenant_hub.matching.engine.geo import haversine_km
from covenant_hub.matching.engine.records import LINK_OF_KIND

if TYPE_CHECKING:
    from covenant_hub.matching.engine.model import MatchModel

NEAREST_DEPTH = 500  # cities looked at; networks none of them names follow by popularity
Baseline = Callable[["MatchModel", int, str, np.ndarray, np.random.Generator], np.ndarray]


def random_order(
    model: MatchModel, row: int, kind: str, candidates: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A seeded shuffle."""
    return rng.permutation(len(candidates))


def most_popular(
    model: MatchModel, row: int, kind: str, candidates: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The networks with the most members first."""
    degree = model.graph.deg[LINK_OF_KIND[kind]][candidates]
    return np.lexsort((candidates, -degree))


def popular_in_country(
    model: MatchModel, row: int, kind: str, candidates: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The networks with the most members in the requester's country, then the most overall."""
    link = LINK_OF_KIND[kind]
    country = int(model.graph.country[row])
    counts = model.graph.member_countries[link]
    none: Counter[int] = Counter()
    local = np.array([counts.get(int(c), none).get(country, 0) if country >= 0 else 0 for c in candidates])
    return np.lexsort((candidates, -model.graph.deg[link][candidates], -local))


def nearest_neighbours(
    model: MatchModel, row: int, kind: str, candidates: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The network of the nearest city that has one, then of the next nearest, and so on;
    networks no nearby city names follow by popularity."""
    graph = model.graph
    link = LINK_OF_KIND[kind]
    n = graph.n
    distance = haversine_km(graph.lat[row], graph.lon[row], graph.lat[:n], graph.lon[:n])
    known = np.flatnonzero((graph.deg[link][:n] > 0) & np.isfinite(distance))
    known = known[known != row]
    first_seen = np.full(graph.capacity, np.inf)
    for order, city in enumerate(known[np.argsort(distance[known], kind="stable")][:NEAREST_DEPTH]):
        for target in graph.neighbours(int(city), link):
            first_seen[target] = min(first_seen[target], order)
    return np.lexsort((candidates, -graph.deg[link][candidates], first_seen[candidates]))


BASELINES: dict[str, Baseline] = {
    "random": random_order,
    "popular": most_popular,
    "popular_in_country": popular_in_country,
    "nearest_neighbours": nearest_neighbours,
}
