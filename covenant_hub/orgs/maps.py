"""The maps of the directory and of a profile: which organisations they show, and where."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for

from covenant_hub.orgs.directory import DirectoryQuery, map_places
from covenant_hub.orgs.models import Organisation
from covenant_hub.orgs.worldmap import WorldMap, build_map


def _places(orgs: Iterable[Organisation]) -> list[tuple[float, float, str, str, str]]:
    seen: set[int] = set()
    places = []
    for org in orgs:
        if org.lat is None or org.lon is None or org.id in seen:
            continue
        seen.add(org.id)
        url = url_for("orgs.view_profile", external_id=org.external_id)
        places.append((org.lat, org.lon, org.name, url, org.kind))
    return places


def directory_map(query: DirectoryQuery) -> tuple[WorldMap, int]:
    """The directory's map: every organisation its filters match that has coordinates (up to
    directory.MAP_LIMIT), and how many have coordinates in all."""
    orgs, total = map_places(query)
    return build_map(_places(orgs)), total


def profile_map(org: Organisation, related: Iterable[Organisation]) -> WorldMap | None:
    """The organisation and the organisations its profile lists; None when none has coordinates."""
    places = _places([org, *related])
    return build_map(places) if places else None
