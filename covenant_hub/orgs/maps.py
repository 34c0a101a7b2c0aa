"""The maps of the directory and of a profile: which organisations they show, and where."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, url_for

from covenant_hub.orgs.directory import DirectoryQuery, map_places
from covenant_hub.orgs.models import Organisation
from covenant_hub.orgs.worldmap import WorldMap, build_map


def profile_urls() -> Callable[[str], str]:
    """`url_for("orgs.view_profile", external_id=...)` for many organisations at once: the URL is
    built once around a marker and each id quoted by the routing map's own converter (2,000
    url_for calls were a quarter of the directory page's time)."""
    marker = "covenantprofilemarker"
    head, tail = url_for("orgs.view_profile", external_id=marker).split(marker)
    converter = current_app.url_map.converters["default"](current_app.url_map)
    return lambda external_id: f"{head}{converter.to_url(external_id)}{tail}"


def _places(orgs: Iterable[Any]) -> list[tuple[float, float, str, str, str]]:
    """Map points of organisations (records or rows with id, lat, lon, name, external_id, kind)."""
    seen: set[int] = set()
    places = []
    url = profile_urls()
    for org in orgs:
        if org.lat is None or org.lon is None or org.id in seen:
            continue
        seen.add(org.id)
        places.append((org.lat, org.lon, org.name, url(org.external_id), org.kind))
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
