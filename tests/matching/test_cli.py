"""`flask match ...` on a tiny database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from flask import Flask

from covenant_hub.extensions import db
from covenant_hub.matching import service
from covenant_hub.matching.engine.model import MatchModel
from covenant_hub.matching.engine.ranker import recommend
from covenant_hub.orgs.models import Organisation, OrgLink
from tests.factories import make_link, make_org

BISHKEK = (42.87, 74.59)
OSH = (40.51, 72.80)


def _tiny_network() -> dict[str, object]:
    s = make_org(kind="supporter", name="Bishkek network", external_id="sup-bishkek", country="kg")
    t = make_org(kind="supporter", name="Osh network", external_id="sup-osh", country="kg")
    for i in range(3):
        make_link(make_org(lat=BISHKEK[0] + 0.02 * (i + 1), lon=BISHKEK[1], joined=date(2012, 1, 1)), s)
        make_link(make_org(lat=OSH[0] + 0.02 * (i + 1), lon=OSH[1], joined=date(2012, 1, 1)), t)
    new = make_org(
        external_id="city-new",
        name="Newcomer",
        lat=BISHKEK[0] + 0.01,
        lon=BISHKEK[1],
        joined=date(2017, 1, 1),
    )
    make_link(new, s)
    return {"s": s, "t": t, "new": new}


def test_recommend_prints_json_with_external_ids(match_app: Flask) -> None:
    orgs = _tiny_network()
    make_org(external_id="city-lonely", lat=BISHKEK[0] - 0.01, lon=BISHKEK[1])
    result = match_app.test_cli_runner().invoke(
        args=["match", "recommend", "city-lonely", "--kind", "supporter", "--top", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert [item["id"] for item in items] == ["sup-bishkek", "sup-osh"]
    assert set(items[0]) >= {"id", "name", "score", "reasons"}
    assert items[0]["name"] == orgs["s"].name
    assert all(reason["code"] for reason in items[0]["reasons"])


def test_recommend_in_plain_text_renders_reasons(match_app: Flask) -> None:
    _tiny_network()
    args = ["match", "recommend", "sup-bishkek", "--kind", "signatory"]
    result = match_app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "of your members are in its country" in result.output


def test_batch_prints_one_line_per_organisation(match_app: Flask, tmp_path: Path) -> None:
    _tiny_network()
    batch = tmp_path / "ids.txt"
    batch.write_text("city-new\n\nnobody-here\nsup-osh\n", encoding="utf-8")
    result = match_app.test_cli_runner().invoke(
        args=["match", "recommend", "--batch", str(batch), "--kind", "coordinator", "--top", "3"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["org"] for line in lines] == ["city-new", "nobody-here", "sup-osh"]
    assert lines[0]["results"] == [] and "error" not in lines[0]
    assert "error" in lines[1]


def test_unknown_organisation_is_a_clear_error(match_app: Flask) -> None:
    result = match_app.test_cli_runner().invoke(args=["match", "recommend", "missing", "--kind", "supporter"])
    assert result.exit_code == 1
    assert "No organisation with the id missing" in result.output


def test_evaluate_hides_the_window_and_reports_every_method(match_app: Flask) -> None:
    _tiny_network()
    result = match_app.test_cli_runner().invoke(
        args=[
            "match",
            "evaluate",
            "--since",
            "2016-01-01",
            "--until",
            "2019-01-01",
            "--kind",
            "supporter",
            "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    methods = {m["name"]: m for m in report["methods"]}
    assert list(methods) == ["engine", "random", "popular", "popular_in_country", "nearest_neighbours"]
    assert methods["engine"]["queries"] == 1
    assert methods["engine"]["hits_at_1"] == 1.0


def test_evaluate_refuses_an_empty_window(match_app: Flask) -> None:
    result = match_app.test_cli_runner().invoke(
        args=["match", "evaluate", "--since", "2019-01-01", "--until", "2016-01-01", "--kind", "supporter"]
    )
    assert result.exit_code == 2
    assert "--since must be before --until" in result.output


def test_evaluate_scores_the_weights_it_is_given(match_app: Flask, tmp_path: Path) -> None:
    """Weights that shun the neighbours' choice make the engine miss the answer."""
    from covenant_hub.matching.engine.model import load_weights, save_weights

    _tiny_network()
    weights = load_weights()
    profile = weights["profiles"]["network"]["supporter"]
    profile.update(dict.fromkeys(profile, 0.0))
    profile["vote_near"] = -1.0  # what the nearest cities did NOT choose first
    save_weights(weights, tmp_path / "w.json")
    args = [
        "match",
        "evaluate",
        "--since",
        "2016-01-01",
        "--until",
        "2019-01-01",
        "--kind",
        "supporter",
        "--json",
        "--weights",
        str(tmp_path / "w.json"),
    ]
    result = match_app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    engine = json.loads(result.output)["methods"][0]
    assert engine["name"] == "engine" and engine["hits_at_1"] == 0.0
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    result = match_app.test_cli_runner().invoke(args=[*args[:-1], str(tmp_path / "bad.json")])
    assert result.exit_code == 2 and "Cannot read the weights" in result.output


def test_rebuild_reports_counts_and_saves(match_app: Flask, tmp_path: Path) -> None:
    _tiny_network()
    saved = tmp_path / "model.pkl"
    result = match_app.test_cli_runner().invoke(args=["match", "rebuild", "--json", "--save", str(saved)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.splitlines()[-1])
    assert summary["orgs"] == 9 and summary["links"] == 7
    assert len(MatchModel.load(saved).orgs) == 9


def test_committed_changes_refresh_the_cached_model(match_app: Flask) -> None:
    orgs = _tiny_network()
    model = service.get_model()
    city = make_org(external_id="city-late", lat=OSH[0], lon=OSH[1])
    assert city.id in model.orgs
    link = make_link(city, orgs["t"])
    row, target = model.graph.pos[city.id], model.graph.pos[orgs["t"].id]
    assert target in model.graph.neighbours(row, "supported_by")
    db.session.delete(db.session.get(OrgLink, link.id))
    db.session.commit()
    assert target not in model.graph.neighbours(row, "supported_by")
    db.session.delete(db.session.get(Organisation, orgs["s"].id))
    db.session.commit()
    ids = [m.org_id for m in recommend(service.get_model(), city.id, "supporter")]
    assert ids == [orgs["t"].id]


def test_reasons_render_through_flask_babel(match_app: Flask) -> None:
    reasons = [
        {"code": "supports_neighbours", "params": {"num": 2, "km": 50}},
        {"code": "shared_supporter", "params": {"name": "Climate Alliance"}},
    ]
    with match_app.test_request_context("/"):
        assert service.render_reasons(reasons) == [
            "Works with 2 cities within 50 km of you",
            "Both supported by Climate Alliance",
        ]
