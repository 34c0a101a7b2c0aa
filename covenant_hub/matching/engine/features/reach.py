"""Features of a supporter or coordinator looking for cities it could work with."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from covenant_hub.matching.engine.features.common import Request, common_features, scaled, text_similarity
from covenant_hub.matching.engine.geo import decay, haversine_km
from covenant_hub.matching.engine.records import LINK_OF_KIND

if TYPE_CHECKING:
    from covenant_hub.matching.engine.model import MatchModel

REACH_MEMBERS = 24


def member_rows(model: MatchModel, row: int, limit: int = 64) -> np.ndarray:
    """A network's member cities (at most `limit`, lowest rows first, so it is deterministic)."""
    graph = model.graph
    members = np.concatenate([graph.neighbours(row, k) for k in LINK_OF_KIND.values()])
    members = np.unique(members[np.isin(graph.kind[members], model.city_kind_codes)])
    return members[:limit]


def reach_features(model: MatchModel, req: Request) -> dict[str, np.ndarray]:
    """A supporter or coordinator looking for cities it could work with."""
    graph, c, row = model.graph, req.candidates, req.row
    features = common_features(model, req)
    near = np.zeros(len(c))
    members = all_members = member_rows(model, row)
    # An even spread of at most REACH_MEMBERS members keeps the cost per request bounded.
    if len(members) > REACH_MEMBERS:
        members = members[np.linspace(0, len(members) - 1, REACH_MEMBERS).astype(int)]
    for member in np.unique(members):
        distance = haversine_km(graph.lat[member], graph.lon[member], graph.lat[c], graph.lon[c])
        near += decay(distance, 25.0)
    features["members_near"] = scaled(near)
    counts = members_by_country(model, row)
    total = sum(counts.values())
    by_country = np.zeros(len(graph.countries) + 1)  # the last slot stands for "no country"
    for country, count in counts.items():
        if country >= 0:
            by_country[country] = count
    share = by_country[graph.country[c]]
    features["country_share"] = share / total if total else share
    link = LINK_OF_KIND.get(model.orgs[graph.ids[row]].kind, "supported_by")
    features["unserved"] = (graph.deg[link][c] == 0).astype(float)
    features["text"] = text_similarity(model, row, "needs", c)
    pops = graph.logpop[all_members]
    mean = np.nanmean(pops) if np.isfinite(pops).any() else np.nan
    features["population"] = np.nan_to_num(np.exp(-np.abs(graph.logpop[c] - mean)), nan=0.0)
    return features


def members_by_country(model: MatchModel, row: int) -> dict[int, int]:
    """A network's member count per country code, over every kind of membership."""
    merged: dict[int, int] = {}
    for link in LINK_OF_KIND.values():
        for country, count in model.graph.member_countries[link].get(row, {}).items():
            merged[country] = merged.get(country, 0) + count
    return merged
