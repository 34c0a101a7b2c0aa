"""Incremental refresh gives the same model as a full rebuild; patched matrices stay exact."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from covenant_hub.matching.model import MatchModel, load_weights
from covenant_hub.matching.ranker import recommend
from covenant_hub.matching.records import LinkRecord, PracticeRecord
from covenant_hub.matching.sparse import PatchedMatrix
from tests.matching.builders import OSH, two_clusters


def _same_recommendations(a: MatchModel, b: MatchModel, org_ids: list[int]) -> None:
    for org_id in org_ids:
        for kind in ("supporter", "signatory"):
            left = [(r.org_id, round(r.score, 9), r.reasons) for r in recommend(a, org_id, kind, 5)]
            right = [(r.org_id, round(r.score, 9), r.reasons) for r in recommend(b, org_id, kind, 5)]
            assert left == right


def test_incremental_refresh_equals_a_full_rebuild() -> None:
    toy, named = two_clusters()
    toy.orgs[2] = replace(toy.orgs[2], offers="solar panels on schools", needs="street lighting")
    toy.practice(toy.orgs[3], "Street lighting with LEDs")
    model = toy.model()
    # The changes: a new city and its link, a link removed, a profile edited, a practice added.
    newcomer = toy.org(near=OSH, dlat=0.05, joined=date(2013, 1, 1), needs="solar panels")
    edited = replace(named["new"], needs="street lighting and solar panels", population=50_000)
    toy.orgs[[o.id for o in toy.orgs].index(edited.id)] = edited
    removed = toy.links.pop(0)
    toy.link(newcomer, named["t"])
    practice = toy.practice(toy.orgs[4], "Solar panels on kindergartens")

    model.put_org(newcomer)
    model.set_link(LinkRecord(newcomer.id, named["t"].id, "supported_by", newcomer.joined))
    model.set_link(removed, present=False)
    model.put_org(edited)
    model.put_practice(practice)

    rebuilt = MatchModel.build(toy.snapshot(), load_weights(), vectorizer=model.text.vectorizer)
    _same_recommendations(model, rebuilt, [named["new"].id, newcomer.id, named["s"].id, toy.orgs[4].id])


def test_growing_past_capacity_keeps_every_row() -> None:
    toy, named = two_clusters()
    model = toy.model()
    capacity = model.graph.capacity
    added = [toy.org(dlat=0.001 * i) for i in range(capacity + 5)]
    for org in added:
        model.put_org(org)
        model.set_link(LinkRecord(org.id, named["s"].id, "supported_by"))
    assert model.graph.capacity > capacity
    assert model.graph.deg["supported_by"][model.graph.pos[named["s"].id]] == 3 + len(added)
    assert recommend(model, named["new"].id, "supporter", 1)[0].org_id == named["s"].id


def test_withdrawn_practice_and_removed_org_leave_the_model() -> None:
    toy, named = two_clusters()
    model = toy.model()
    practice = PracticeRecord(id=1, org_id=named["s"].id, title="Energy audits")
    model.put_practice(practice)
    assert model.practice_count[model.graph.pos[named["s"].id]] == 1
    model.put_practice(practice, present=False)
    assert model.practice_count[model.graph.pos[named["s"].id]] == 0
    model.remove_org(named["s"].id)
    ids = [r.org_id for r in recommend(model, named["new"].id, "supporter", 5)]
    assert ids == [named["t"].id]


def test_patched_matrix_matches_dense_arithmetic() -> None:
    rng = np.random.default_rng(0)
    dense = rng.random((6, 5)) * (rng.random((6, 5)) > 0.5)
    matrix = PatchedMatrix(sparse.csr_matrix(dense))
    dense[2] = [0, 1, 0, 2, 0]
    matrix.set_row(2, np.array([1, 3]), np.array([1.0, 2.0]))
    x = rng.random(5)
    assert matrix.matvec(x) == pytest.approx(dense @ x)
    query = sparse.csr_matrix(rng.random((1, 5)))
    assert matrix.matvec_sparse(query) == pytest.approx(dense @ query.toarray().ravel())
    matrix.compact()
    assert not matrix.patches
    assert matrix.tocsr().toarray() == pytest.approx(dense)


def test_saved_model_loads_with_its_weights(tmp_path: Path) -> None:
    toy, named = two_clusters()
    model = toy.model()
    model.weights["diversity"]["lambda"] = 0.5
    model.save(tmp_path / "model.pkl")
    loaded = MatchModel.load(tmp_path / "model.pkl")
    assert loaded.weights["diversity"]["lambda"] == 0.5
    expected = [(r.org_id, r.score) for r in recommend(model, named["new"].id, "supporter")]
    assert [(r.org_id, r.score) for r in recommend(loaded, named["new"].id, "supporter")] == expected


def test_walk_matrix_stays_the_weighted_sum_of_link_kinds() -> None:
    toy, named = two_clusters()
    model = toy.model()
    graph = model.graph
    graph.walk_weights["twinned_with"] = 0.5
    other = toy.orgs[3]
    model.set_link(LinkRecord(named["new"].id, other.id, "twinned_with"))
    model.set_link(LinkRecord(named["new"].id, named["s"].id, "supported_by"))
    model.set_link(LinkRecord(toy.orgs[2].id, named["s"].id, "supported_by"), present=False)
    expected = sum(w * graph.adj[k].tocsr() for k, w in graph.walk_weights.items())
    assert graph.walk.tocsr().toarray() == pytest.approx(expected.toarray())
    assert graph.walk_deg == pytest.approx(np.asarray(expected.sum(axis=1)).ravel())
