"""The organisations map on the directory and on profiles: a server-drawn SVG with world-atlas
borders, one point per located organisation the directory's filters match, escaped, no script."""

from __future__ import annotations

import re

from lxml import html

from covenant_hub.orgs import worldmap
from tests.factories import make_link, make_org

SVG_NS = {"svg": "http://www.w3.org/2000/svg"}


def _map_of(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    tree = html.fromstring(response.get_data(as_text=True))
    figures = tree.xpath("//figure[@id='map']")
    return response.get_data(as_text=True), (figures[0] if figures else None)


def _point_labels(figure) -> list[str]:
    return [title.text_content() for title in figure.xpath(".//circle/title")]


def test_directory_map_shows_the_filtered_organisations_that_have_coordinates(app, client):
    make_org(name="Bishkek", country="kg", lat=42.87, lon=74.59)
    make_org(name="Osh", country="kg", lat=40.51, lon=72.80)
    make_org(name="Almaty", country="kz", lat=43.24, lon=76.89)
    make_org(name="Nowhere", country="kg")  # no coordinates: in the list, not on the map

    _body, everything = _map_of(client, "/orgs/")
    assert sorted(_point_labels(everything)) == ["Almaty", "Bishkek", "Osh"]

    body, kyrgyz = _map_of(client, "/orgs/?country=kg")
    assert sorted(_point_labels(kyrgyz)) == ["Bishkek", "Osh"]
    assert "Nowhere" in body  # the list keeps every match
    hrefs = kyrgyz.xpath(".//a/@href")
    assert all(href.startswith("/orgs/") for href in hrefs) and len(hrefs) == 2


def test_map_draws_country_borders_and_needs_no_javascript(app, client):
    make_org(name="Bishkek", country="kg", lat=42.87, lon=74.59)
    body, figure = _map_of(client, "/orgs/")
    paths = figure.xpath(".//path/@d")
    assert len(paths) >= 3 and all(re.fullmatch(r"(M[-\d.,L]+Z)+", d) for d in paths)
    assert "<script" not in body.split('id="map"')[1]
    assert figure.xpath(".//title[@id='org-map-title']")


def test_map_escapes_organisation_names(app, client):
    make_org(name='<script>alert(1)</script> & "Town"', country="kg", lat=42.0, lon=74.0)
    body, figure = _map_of(client, "/orgs/")
    assert "<script>alert(1)</script>" not in body
    assert _point_labels(figure) == ['<script>alert(1)</script> & "Town"']  # as text, once parsed


def test_directory_without_located_matches_has_no_map(app, client):
    make_org(name="Nowhere", country="kg")
    body, figure = _map_of(client, "/orgs/")
    assert figure is None and "Nowhere" in body


def test_profile_map_shows_the_organisation_and_its_members(app, client):
    network = make_org(name="Network", kind="supporter", country="kg", lat=42.87, lon=74.59)
    member = make_org(name="Member Town", country="kg", lat=40.51, lon=72.80)
    make_link(member, network, kind="supported_by")
    _body, figure = _map_of(client, f"/orgs/{network.external_id}")
    assert sorted(_point_labels(figure)) == ["Member Town", "Network"]


def test_frame_covers_every_point_and_keeps_a_minimum_span():
    west, south, east, north = worldmap.frame_for([(42.87, 74.59)])
    assert west < 74.59 < east and south < 42.87 < north and east - west >= worldmap.MIN_SPAN
    assert worldmap.frame_for([]) == worldmap.DEFAULT_FRAME


def test_points_are_projected_inside_the_map():
    drawn = worldmap.build_map(
        [(42.87, 74.59, "Bishkek", "/b", "signatory"), (40.51, 72.8, "Osh", "/o", "signatory")]
    )
    for point in drawn.points:
        assert 0 <= point.x <= drawn.width and 0 <= point.y <= drawn.height
    bishkek, osh = drawn.points
    assert bishkek.x > osh.x and bishkek.y < osh.y  # east is right, north is up


def test_clipping_keeps_only_what_is_inside_the_frame():
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    clipped = worldmap._clipped(square, (5.0, -5.0, 20.0, 20.0))
    assert min(lon for lon, _lat in clipped) >= 5.0 - 15 * 0.02 - 1e-9
    assert worldmap._clipped(square, (50.0, 50.0, 60.0, 60.0)) == []


def test_map_links_are_the_profiles_url_for_every_kind_of_id(app):
    """The map builds its 2,000 links around one url_for: each must be what url_for gives."""
    from flask import url_for

    from covenant_hub.orgs.maps import profile_urls

    ids = ["org-1", "12345", "a b", "a/b", "Бишкек", "x?y#z", "50%", "it's"]
    with app.test_request_context("/orgs/"):
        url = profile_urls()
        assert [url(i) for i in ids] == [url_for("orgs.view_profile", external_id=i) for i in ids]
