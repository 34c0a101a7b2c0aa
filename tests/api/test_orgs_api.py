"""/api/v1/orgs: shape, filters, pages and clear 400s."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_org


@pytest.fixture
def orgs(app):
    make_org(
        external_id="bishkek",
        name="Bishkek",
        country="kg",
        population=1_074_000,
        joined=date(2019, 6, 14),
        sectors=["transport"],
        commitments=["2030"],
        description="Борбор шаар",
        website="https://example.org/b",
    )
    make_org(external_id="osh", name="Osh", country="kg")
    make_org(external_id="alba", name="Alba", country="it")
    make_org(external_id="union", name="Union", kind="supporter", country=None)


def test_list_shape_and_interchange_fields(client, orgs):
    body = client.get("/api/v1/orgs?kind=signatory&country=kg").get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 50
    first = body["items"][0]
    assert first["id"] == "bishkek"
    assert set(first) == {
        "id",
        "kind",
        "name",
        "country",
        "city",
        "population",
        "lat",
        "lon",
        "languages",
        "sectors",
        "commitments",
        "joined",
        "status",
        "description",
        "needs",
        "offers",
        "website",
    }
    assert (first["joined"], first["description"], first["city"]) == ("2019-06-14", "Борбор шаар", None)


def test_filters_name_search_and_pages(client, orgs):
    assert client.get("/api/v1/orgs?kind=supporter").get_json()["total"] == 1
    assert [i["id"] for i in client.get("/api/v1/orgs?q=os").get_json()["items"]] == ["osh"]
    page = client.get("/api/v1/orgs?per_page=3&page=2").get_json()
    assert page["total"] == 4 and [i["id"] for i in page["items"]] == ["union"]


def test_one_org_and_unknown_org(client, orgs):
    assert client.get("/api/v1/orgs/osh").get_json()["name"] == "Osh"
    response = client.get("/api/v1/orgs/nobody")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == 404


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("kind=town", "kind"),
        ("country=KG", "country"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("per_page=201", "per_page"),
        ("per_page=-5", "per_page"),
        ("sector=space", "sector"),
    ],
)
def test_bad_parameters_are_400_json_naming_the_parameter(client, orgs, query, param):
    response = client.get(f"/api/v1/orgs?{query}")
    assert response.status_code == 400 and response.is_json
    assert f"'{param}'" in response.get_json()["error"]["message"]
