"""The directory page: filters, name search, sorting and pages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from covenant_hub.orgs.directory import POPULATION_BANDS, InvalidQuery, parse_query, search_directory
from covenant_hub.orgs.labels import POPULATION_BAND_LABELS
from tests.factories import make_link, make_org


def names(client, query: str) -> list[str]:
    response = client.get(f"/orgs/?{query}")
    assert response.status_code == 200
    return re.findall(r'<a href="/orgs/[^"]+">([^<]+)</a>', response.get_data(as_text=True))


@pytest.fixture
def orgs(app):
    return {
        "bishkek": make_org(
            name="Bishkek",
            country="kg",
            population=1_074_000,
            joined=date(2019, 6, 14),
            sectors=["transport", "waste"],
            commitments=["2030"],
            languages=["ky", "ru"],
        ),
        "osh": make_org(
            name="Osh",
            country="kg",
            population=322_000,
            joined=date(2020, 3, 2),
            sectors=["waste"],
            commitments=["2030", "adaptation"],
            languages=["ru", "uz"],
            status="on_hold",
        ),
        "alba": make_org(
            name="Alba",
            country="it",
            population=31_000,
            joined=date(2012, 5, 2),
            commitments=["2020"],
            languages=["it"],
        ),
        "network": make_org(
            name="Каракол тармагы", kind="supporter", country=None, population=None, languages=["ky"]
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=supporter", ["Каракол тармагы"]),
        ("country=kg", ["Bishkek", "Osh"]),
        ("sector=waste", ["Bishkek", "Osh"]),
        ("sector=transport", ["Bishkek"]),
        ("commitment=adaptation", ["Osh"]),
        ("commitment=2020", ["Alba"]),
        ("status=on_hold", ["Osh"]),
        ("band=250k_1m", ["Osh"]),
        ("band=over_1m", ["Bishkek"]),
        ("band=10k_50k", ["Alba"]),
        ("language=ky", ["Bishkek", "Каракол тармагы"]),
        ("q=bish", ["Bishkek"]),
        ("q=каракол", ["Каракол тармагы"]),
        ("q=КАРАКОЛ ТАРМАГЫ", ["Каракол тармагы"]),  # folded in every script, not just ASCII
        ("q=%25", []),
        ("country=kg&sector=waste&commitment=2030&language=ru", ["Bishkek", "Osh"]),
    ],
)
def test_filters(client, orgs, query, expected):
    assert names(client, query) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alba", "Bishkek", "Osh", "Каракол тармагы"]),
        ("population", ["Bishkek", "Osh", "Alba", "Каракол тармагы"]),
        ("joined", ["Osh", "Bishkek", "Alba", "Каракол тармагы"]),
        ("country", ["Alba", "Bishkek", "Osh", "Каракол тармагы"]),
    ],
)
def test_sorting(client, orgs, sort, expected):
    assert names(client, f"sort={sort}") == expected


def test_pages_keep_the_filters(app, client, orgs):
    app.config["ORGS_PER_PAGE"] = 1
    first = client.get("/orgs/?country=kg").get_data(as_text=True)
    assert "2 organisations found" in first and "Page 1 of 2" in first
    assert 'href="/orgs/?page=2&amp;country=kg"' in first
    assert names(client, "country=kg&page=2") == ["Osh"]
    assert names(client, "country=kg&page=9") == []


@pytest.mark.parametrize(
    "query",
    [
        "kind=city",
        "sort=size",
        "band=huge",
        "country=KGZ",
        "page=0",
        "page=x",
        "language=kyr",
        "q=" + "x" * 101,
    ],
)
def test_bad_parameters_get_a_400_page(client, orgs, query):
    response = client.get(f"/orgs/?{query}")
    assert response.status_code == 400
    assert "This filter cannot be used" in response.get_data(as_text=True)


def test_sample_badge_in_directory(client, app):
    make_org(name="Sample town", is_sample=True)
    assert "sample content" in client.get("/orgs/").get_data(as_text=True)


def test_query_service_without_http(app, orgs):
    make_link(orgs["bishkek"], orgs["network"])
    query = parse_query({"kind": "signatory", "sort": "population"}, per_page=2, max_per_page=10)
    page = search_directory(query)
    assert page.total == 3 and page.pages == 2 and [o.name for o in page.items] == ["Bishkek", "Osh"]
    with pytest.raises(InvalidQuery):
        parse_query({"per_page": "11"}, per_page=2, max_per_page=10)
    assert list(POPULATION_BANDS) == list(POPULATION_BAND_LABELS)
