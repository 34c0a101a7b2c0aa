"""The ranker's weights in the database: versioned rows that every worker builds with."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from covenant_hub import create_app
from covenant_hub.extensions import db
from covenant_hub.matching import service, weights
from covenant_hub.matching.engine.model import load_weights, save_weights
from covenant_hub.matching.engine.ranker import recommend
from covenant_hub.matching.models import MatchWeights
from tests.factories import make_link, make_org
from tests.matching.test_cli import BISHKEK, OSH, _tiny_network


def _two_networks() -> dict[str, Any]:
    """Bishkek's cities chose S, Osh's chose T; a newcomer near Bishkek has chosen no one."""
    s = make_org(kind="supporter", name="Bishkek network", country="kg")
    t = make_org(kind="supporter", name="Osh network", country="kg")
    for i in range(3):
        make_link(make_org(lat=BISHKEK[0] + 0.02 * (i + 1), lon=BISHKEK[1], joined=date(2012, 1, 1)), s)
        make_link(make_org(lat=OSH[0] + 0.02 * (i + 1), lon=OSH[1], joined=date(2012, 1, 1)), t)
    new = make_org(name="Newcomer", lat=BISHKEK[0] + 0.01, lon=BISHKEK[1], joined=date(2017, 1, 1))
    return {"s": s, "t": t, "new": new}


def _shunning_neighbours() -> dict[str, Any]:
    """Weights that rank the neighbours' choice last: they change the answer visibly."""
    tuned = load_weights()
    profile = tuned["profiles"]["network"]["supporter"]  # a city asking for a supporter
    profile.update(dict.fromkeys(profile, 0.0))
    profile["vote_near"] = -1.0  # what the nearest cities did NOT choose first
    return tuned


@pytest.fixture
def worker_b(match_app: Flask, app_config: dict[str, Any]) -> Iterator[Flask]:
    """Another worker (or node): its own app, model and cache, the same database."""
    other = create_app(app_config)
    yield other
    with other.app_context():
        db.engine.dispose()


def _ranking(worker: Flask, org_id: int) -> list[int]:
    db.session.commit()
    with worker.app_context():
        return [match.org_id for match in recommend(service.get_model(), org_id, "supporter", 5)]


def test_without_a_row_the_shipped_file_is_current(match_app: Flask) -> None:
    current = weights.current()
    assert current.version is None and current.weights == load_weights()


def test_each_store_is_a_new_version_and_the_newest_is_current(match_app: Flask) -> None:
    first = weights.store(load_weights(), note="as shipped")
    second = weights.store(_shunning_neighbours(), note="shun")
    assert second > first
    current = weights.current()
    assert current.version == second and current.weights == _shunning_neighbours()
    assert db.session.get(MatchWeights, first).weights == load_weights()  # kept, never changed


def test_bad_weights_are_refused_and_nothing_is_stored(match_app: Flask, tmp_path: Path) -> None:
    (tmp_path / "w.json").write_text(json.dumps({"profiles": {}}), encoding="utf-8")
    result = match_app.test_cli_runner().invoke(args=["match", "weights", "set", str(tmp_path / "w.json")])
    assert result.exit_code == 1 and "Cannot use the weights" in result.output
    (tmp_path / "x.json").write_text("{not json", encoding="utf-8")
    result = match_app.test_cli_runner().invoke(args=["match", "weights", "set", str(tmp_path / "x.json")])
    assert result.exit_code == 1
    assert db.session.query(MatchWeights).count() == 0


def test_new_weights_reach_every_worker_after_match_rebuild(
    match_app: Flask, worker_b: Flask, tmp_path: Path
) -> None:
    orgs = _two_networks()
    new = orgs["new"].id
    before = _ranking(worker_b, new)
    assert before[0] == orgs["s"].id
    save_weights(_shunning_neighbours(), tmp_path / "w.json")
    runner = match_app.test_cli_runner()
    result = runner.invoke(args=["match", "weights", "set", str(tmp_path / "w.json"), "--json"])
    assert result.exit_code == 0, result.output
    version = json.loads(result.output)["version"]
    assert _ranking(worker_b, new) == before  # stored weights alone reach no built model
    assert runner.invoke(args=["match", "rebuild", "--json"]).exit_code == 0
    after_b = _ranking(worker_b, new)
    assert after_b != before and after_b[0] != orgs["s"].id
    assert _ranking(match_app, new) == after_b
    shown = json.loads(runner.invoke(args=["match", "weights", "show", "--json"]).output)
    assert shown["version"] == version


def test_tune_apply_stores_a_version_and_leaves_the_shipped_file(match_app: Flask, tmp_path: Path) -> None:
    _tiny_network()
    db.session.commit()
    shipped = load_weights()
    args = ["match", "tune", "--window", "2016-01-01:2019-01-01", "--apply", "--json"]
    result = match_app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    version = json.loads(result.output.strip().splitlines()[-1])["version"]
    row = db.session.get(MatchWeights, version)
    assert row is not None and row.note.startswith("match tune")
    assert weights.current().version == version
    assert load_weights() == shipped
