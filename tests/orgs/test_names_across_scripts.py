"""Names in any script: "Ош", "Osh", "ОШ" and "osh" find Osh first in the directory and in
search, "Бишкек" and "Bishkek" find Bishkek first, over the GCoM list and the sample data
loaded as `make run` loads them."""

from __future__ import annotations

import pytest

from covenant_hub.demo import load_demo_data
from covenant_hub.extensions import db
from covenant_hub.language.names import name_key, romanisations
from covenant_hub.orgs.models import Organisation
from covenant_hub.search import indexer
from covenant_hub.search.service import get_service


@pytest.mark.parametrize(
    ("one", "other"),
    [("Ош", "Osh"), ("ОШ", "osh"), ("Бишкек", "Bishkek"), ("Жалал-Абад", "Jalal-Abad"), ("Талас", "TALAS"),
     ("Чолпон-Ата", "Cholpon-Ata"), ("Токмок", "Tokmok"), ("Нарын", "Naryn")],
)  # fmt: skip
def test_a_name_has_one_key_in_either_script(one, other):
    assert name_key(one) == name_key(other)


def test_kyrgyz_names_are_romanised_by_kyrgyz_rules():
    assert romanisations("Жалал-Абад") == ["Zhalal-Abad", "Jalal-Abad"]  # Russian rules, Kyrgyz usage
    assert romanisations("Көл") == ["Köl"]
    assert romanisations("Osh") == []


def test_the_key_follows_the_name(app):
    org = Organisation(external_id="x", kind="signatory", name="Бишкек")
    db.session.add(org)
    db.session.flush()
    assert org.name_key == "bishkek"
    org.name = "Ош"
    assert org.name_key == "osh"


def _directory(client, text: str) -> list[str]:
    body = client.get("/api/v1/orgs", query_string={"q": text, "per_page": 5}).get_json()
    return [item["name"] for item in body["items"]]


def _search(client, text: str) -> list[str]:
    body = client.get("/api/v1/search", query_string={"q": text, "type": "organisation"}).get_json()
    assert not body["degraded"]
    return [item["title"] for item in body["results"]][:5]


def test_names_in_either_script_find_their_namesake_first(app, client):
    load_demo_data()
    db.session.commit()
    indexer.rebuild(get_service(app).index, procs=1)
    db.session.commit()
    assert db.session.query(Organisation).count() > 1000  # the GCoM list is there
    for text in ("Ош", "Osh", "ОШ", "osh"):
        assert _directory(client, text)[0] == "Osh", text
        assert _search(client, text)[0] == "Osh", text
    for text in ("Бишкек", "Bishkek", "бишкек"):
        assert _directory(client, text)[0] == "Bishkek", text
        assert _search(client, text)[0] == "Bishkek", text
    assert _directory(client, "Талас")[0] == "Talas"
    assert "Центр энергоэффективности (Бишкек)" in _directory(client, "Bishkek")  # Latin finds Cyrillic
    page = client.get("/orgs/?q=Ош").get_data(as_text=True)
    assert page.index(">Osh<") < page.index("</tbody>")
