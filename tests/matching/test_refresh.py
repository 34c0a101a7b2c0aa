"""Incremental refresh gives the same model as a full rebuild; patched matrices stay exact; a
change committed by one worker reaches the models of the others through match_changes; the model
is read outside the request's session (no write lock held, no uncommitted rows kept)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from scipy import sparse
from sqlalchemy import func, select, text, update

from covenant_hub import create_app
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.matching import changes, service, workflow
from covenant_hub.matching.engine import model as model_module
from covenant_hub.matching.engine.model import MatchModel, load_weights, save_weights
from covenant_hub.matching.engine.ranker import recommend
from covenant_hub.matching.engine.records import LinkRecord, PracticeRecord
from covenant_hub.matching.engine.sparse import PatchedMatrix
from covenant_hub.matching.models import MatchChange
from covenant_hub.orgs.models import Organisation, OrgLink
from tests.dblocks import writer_can_start
from tests.factories import make_link, make_org, make_practice, make_user
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


# -- across processes: two app objects on one database stand for two gunicorn workers --------
BISHKEK_AT = {"lat": 42.87, "lon": 74.59}
OSH_AT = {"lat": 40.51, "lon": 72.80}


@pytest.fixture
def worker_b(match_app: Flask, app_config: dict[str, Any]) -> Iterator[Flask]:
    """A second worker: its own app object, model and sessions, the same database file."""
    other = create_app(app_config)
    yield other
    with other.app_context():
        db.engine.dispose()


def _network() -> dict[str, Any]:
    """Cities round Bishkek supported by S, cities round Osh supported by T, and a newcomer
    near Bishkek that S supports already; built through worker A's session."""
    s = make_org(kind="supporter", name="Bishkek network", **BISHKEK_AT)
    t = make_org(kind="supporter", name="Osh network", **OSH_AT)
    near = [make_org(lat=42.87 + 0.02 * (i + 1), lon=74.59, joined=date(2012, 1, 1)) for i in range(3)]
    far = [make_org(lat=40.51 + 0.02 * (i + 1), lon=72.80, joined=date(2012, 1, 1)) for i in range(3)]
    for city in near:
        make_link(city, s)
    for city in far:
        make_link(city, t)
    new = make_org(
        name="Newcomer", lat=42.88, lon=74.59, joined=date(2017, 1, 1), needs="LED street lighting"
    )
    link = make_link(new, s)
    return {"s": s, "t": t, "near": near, "far": far, "new": new, "link": link}


def _release() -> None:
    """End the test's own transaction: outside a request it is a writer (BEGIN IMMEDIATE), and a
    real request would have ended long before another worker reads."""
    db.session.commit()


def _ranked(worker: Flask, org_id: int, kind: str) -> list[int]:
    """What `worker` recommends, asked as a request there would ask (its own app context)."""
    return list(_scores(worker, org_id, kind))


def _scores(worker: Flask, org_id: int, kind: str) -> dict[int, float]:
    _release()
    with worker.app_context():
        return {match.org_id: match.score for match in recommend(service.get_model(), org_id, kind, 20)}


def _model(worker: Flask) -> MatchModel:
    _release()
    with worker.app_context():
        return service.get_model()


def _fresh_ranking(org_id: int, kind: str) -> list[int]:
    return [match.org_id for match in recommend(service.build_model(), org_id, kind, 20)]


def test_a_new_organisation_reaches_the_other_worker(match_app: Flask, worker_b: Flask) -> None:
    net = _network()
    service.get_model()
    assert _ranked(worker_b, net["new"].id, "supporter") == [net["t"].id]
    fresh = make_org(kind="supporter", name="Fresh network", lat=42.90, lon=74.60)
    city = make_org(name="Late city", **OSH_AT)
    assert fresh.id in _ranked(worker_b, net["new"].id, "supporter")
    assert _ranked(worker_b, city.id, "supporter")[0] == net["t"].id  # no UnknownOrganisation
    assert _ranked(worker_b, net["new"].id, "supporter") == _fresh_ranking(net["new"].id, "supporter")


def test_a_worker_catches_up_whatever_its_monotonic_clock_reads(
    match_app: Flask, worker_b: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A monotonic clock counts from an unspecified point: its readings may be small or below
    zero, and a worker that never failed to read match_changes must still read it on each use."""
    monkeypatch.setattr(service, "monotonic", lambda: -1000.0)
    _network()
    _model(worker_b)
    city = make_org(name="Late city", **OSH_AT)
    assert city.id in _model(worker_b).orgs


def test_an_accepted_exchange_reaches_the_other_worker(match_app: Flask, worker_b: Flask) -> None:
    net = _network()
    admin = make_user(org=net["new"], org_role="org_admin")
    assert _ranked(match_app, net["new"].id, "signatory")
    before = _ranked(worker_b, net["new"].id, "signatory")
    request = workflow.file_request(
        net["new"],
        admin,
        workflow.RequestInput(
            text="LED street lighting", kinds=["signatory"], sectors=[], languages=[], max_km=500
        ),
    )
    partner = request.proposals[0].candidate_id
    assert partner in before
    assert net["new"].id in _ranked(worker_b, partner, "signatory")  # either way, until they link
    invitation = workflow.invite(request, admin, [partner], "")[0]
    workflow.answer(invitation, make_user(org=invitation.invitee, org_role="org_admin"), True, "Yes")
    assert partner not in _ranked(worker_b, net["new"].id, "signatory")
    assert net["new"].id not in _ranked(worker_b, partner, "signatory")
    # Worker A saw its own change twice (at its commit, then from the table): no harm done.
    for worker in (match_app, worker_b):
        assert _ranked(worker, net["new"].id, "signatory") == _fresh_ranking(net["new"].id, "signatory")


def test_a_deleted_link_reaches_the_other_worker(match_app: Flask, worker_b: Flask) -> None:
    net = _network()
    service.get_model()
    assert net["s"].id not in _ranked(worker_b, net["new"].id, "supporter")
    db.session.delete(db.session.get(OrgLink, net["link"].id))
    db.session.commit()
    assert net["s"].id in _ranked(worker_b, net["new"].id, "supporter")
    assert _ranked(worker_b, net["new"].id, "supporter") == _fresh_ranking(net["new"].id, "supporter")


def test_a_published_practice_reaches_the_other_worker(match_app: Flask, worker_b: Flask) -> None:
    net = _network()
    net["near"][1].offers = "LED street lighting audits"  # the words are in the vocabulary
    db.session.commit()
    doer = net["near"][0]
    practice = make_practice(doer, title="LED street lighting for the centre", state="draft", published=None)
    service.get_model()
    before = _scores(worker_b, net["new"].id, "signatory")[doer.id]
    practice.state = "published"
    db.session.commit()
    assert [p.id for p in _model(worker_b).practices[doer.id]] == [practice.id]
    assert _scores(worker_b, net["new"].id, "signatory")[doer.id] > before
    practice.state = "archived"
    db.session.commit()
    assert _model(worker_b).practices[doer.id] == []
    assert _scores(worker_b, net["new"].id, "signatory")[doer.id] == pytest.approx(before)


def test_a_recorded_outcome_reaches_the_other_worker(match_app: Flask, worker_b: Flask) -> None:
    net = _network()
    admin = make_user(org=net["new"], org_role="org_admin")
    request = workflow.file_request(
        net["new"],
        admin,
        workflow.RequestInput(
            text="LED street lighting", kinds=["signatory"], sectors=[], languages=[], max_km=500
        ),
    )
    invitation = workflow.invite(request, admin, [request.proposals[0].candidate_id], "")[0]
    workflow.answer(invitation, make_user(org=invitation.invitee, org_role="org_admin"), True, "")
    _model(worker_b)
    outcome = workflow.record_outcome(invitation, admin, net["new"].id, "How to tender LED lamps", None)
    held = _model(worker_b).practices[net["new"].id]
    assert [(p.id, p.summary) for p in held] == [(-outcome.id, "How to tender LED lamps")]


def test_an_unreadable_changes_table_still_serves_recommendations(
    match_app: Flask,
    worker_b: Flask,
    app_config: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(logging.getLogger(service.__name__), "disabled", False)  # Alembic's fileConfig
    net = _network()
    before = _ranked(worker_b, net["new"].id, "supporter")
    with _table_missing("match_changes"), caplog.at_level(logging.WARNING, logger=service.__name__):
        assert _ranked(worker_b, net["new"].id, "supporter") == before
        assert "match_changes cannot be read" in caplog.text
        caplog.clear()
        newcomer = create_app(app_config)  # a new worker
        assert _ranked(newcomer, net["new"].id, "supporter") == before
        assert "match_changes cannot be read" in caplog.text
    with newcomer.app_context():
        db.engine.dispose()


@contextmanager
def _table_missing(name: str) -> Iterator[None]:
    """The table is gone while the block runs, as in a database older than it, and back after:
    renamed, not dropped, so that a database other tests share (PostgreSQL) keeps it."""
    db.session.execute(text(f"ALTER TABLE {name} RENAME TO {name}_hidden"))
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        db.session.execute(text(f"ALTER TABLE {name}_hidden RENAME TO {name}"))
        db.session.commit()


def test_changes_written_with_their_transaction_only(match_app: Flask) -> None:
    net = _network()
    count = db.session.scalar(select(func.count(MatchChange.id)))
    db.session.add(Organisation(external_id="rolled-back", kind="signatory", name="Gone"))
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count(MatchChange.id))) == count
    make_link(net["new"], net["t"], "exchange")
    newest = select(MatchChange.entity, MatchChange.key).order_by(MatchChange.id.desc())
    last = db.session.execute(newest).first()
    assert tuple(last) == ("link", f"{net['new'].id}:{net['t'].id}:exchange")


def _age_changes(days: int) -> None:
    db.session.execute(update(MatchChange).values(created_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def test_rebuild_prunes_and_a_worker_that_slept_through_it_rebuilds(
    match_app: Flask, worker_b: Flask
) -> None:
    net = _network()
    asleep = _model(worker_b)
    city = make_org(name="Late city", **OSH_AT)
    _age_changes(8)
    result = match_app.test_cli_runner().invoke(args=["match", "rebuild", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[-1])["pruned_changes"] >= 1
    entities = db.session.scalars(select(MatchChange.entity).order_by(MatchChange.id)).all()
    assert entities == ["pruned", "rebuild"]  # the rebuild row: every worker rebuilds
    rebuilt = _model(worker_b)
    assert rebuilt is not asleep and city.id in rebuilt.orgs
    assert _ranked(worker_b, net["new"].id, "supporter") == _fresh_ranking(net["new"].id, "supporter")


def test_committing_prunes_now_and_then(
    match_app: Flask, worker_b: Flask, app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _network()
    asleep = _model(worker_b)
    awake_app = create_app(app_config)
    make_org(name="Late city", **OSH_AT)
    awake = _model(awake_app)  # built after the change: its mark covers every row
    _age_changes(8)
    # A process that has not pruned yet, on a machine booted five seconds ago (the monotonic
    # clock counts from boot): its first commit prunes all the same.
    clock = {"now": 5.0}
    monkeypatch.setattr(changes, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(changes, "_last_prune", None)
    fresh = make_org(kind="supporter", name="Fresh network", lat=42.90, lon=74.60)
    assert db.session.scalars(select(MatchChange.entity).order_by(MatchChange.id)).all() == ["org", "pruned"]
    rebuilt = _model(worker_b)  # its next change row is gone: only a rebuild is safe
    assert rebuilt is not asleep and fresh.id in rebuilt.orgs
    assert _model(awake_app) is awake and fresh.id in awake.orgs  # nothing it had not seen was pruned
    _age_changes(8)
    clock["now"] += changes.PRUNE_EVERY_SECONDS - 1  # within the hour: no second prune
    make_org(name="Second city", **OSH_AT)
    entities = select(MatchChange.entity).order_by(MatchChange.id)
    assert db.session.scalars(entities).all() == ["org", "pruned", "org"]
    clock["now"] += 1  # an hour after the first: the next commit prunes the aged rows again
    make_org(name="Third city", **OSH_AT)
    assert db.session.scalars(entities).all() == ["org", "org", "pruned"]


def test_match_rebuild_makes_every_worker_rebuild_with_the_current_weights(
    match_app: Flask, worker_b: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _network()
    asleep = _model(worker_b)
    tuned = load_weights()
    tuned["diversity"]["lambda"] = 0.5  # as if `match tune` had just written new weights
    save_weights(tuned, tmp_path / "weights.json")
    monkeypatch.setattr(model_module, "WEIGHTS_PATH", tmp_path / "weights.json")
    assert _model(worker_b) is asleep  # new weights alone reach no worker
    result = match_app.test_cli_runner().invoke(args=["match", "rebuild", "--json"])
    assert result.exit_code == 0, result.output
    rebuilt = _model(worker_b)
    assert rebuilt is not asleep and rebuilt.weights["diversity"]["lambda"] == 0.5
    assert _model(worker_b) is rebuilt  # once
    own = service.state(match_app).model
    assert own is not None and own.weights["diversity"]["lambda"] == 0.5
    assert _model(match_app) is own  # nothing came in between: its own row needs no rebuild


# -- a request's session is never the model's ------------------------------------------------
def test_a_build_never_holds_a_request_s_uncommitted_rows(match_app: Flask) -> None:
    net = _network()
    _release()
    with match_app.test_request_context("/", method="POST"):
        ghost = Organisation(external_id="rolled-back", kind="supporter", name="Never committed")
        db.session.add(ghost)
        db.session.flush()
        model = service.get_model()  # the first use: a full build
        db.session.rollback()
    assert net["new"].id in model.orgs  # the build read the committed rows...
    assert ghost.id not in model.orgs
    assert ghost.id not in _model(match_app).orgs


def test_a_replay_never_holds_a_request_s_uncommitted_rows(match_app: Flask, worker_b: Flask) -> None:
    t_id = _network()["t"].id
    own = _model(match_app)
    with worker_b.app_context():  # another worker commits a change: a row for this one to replay
        db.session.get(Organisation, t_id).needs = "bicycle lanes"
        db.session.commit()
    with match_app.test_request_context("/", method="POST"):
        db.session.get(Organisation, t_id).needs = "never committed"
        db.session.flush()
        assert service.get_model() is own
        db.session.rollback()
    assert own.orgs[t_id].needs == "bicycle lanes"


@pytest.mark.sqlite_only
def test_a_post_request_reads_the_model_without_the_write_lock(
    match_app: Flask, worker_b: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    s_id = _network()["s"].id
    while_reading: list[bool] = []
    load = service.load_snapshot

    def spy(session: Any) -> Any:
        snapshot = load(session)
        while_reading.append(writer_can_start(match_app))
        return snapshot

    monkeypatch.setattr(service, "load_snapshot", spy)
    _release()
    with match_app.test_request_context("/", method="POST"):
        service.get_model()  # a build
        assert while_reading == [True] and writer_can_start(match_app)
    with worker_b.app_context():
        db.session.get(Organisation, s_id).offers = "bicycle lanes"
        db.session.commit()
    with match_app.test_request_context("/", method="POST"):
        assert service.get_model().orgs[s_id].offers == "bicycle lanes"  # a replay
        assert writer_can_start(match_app)
        db.session.rollback()


def test_a_long_backlog_is_a_rebuild(
    match_app: Flask, worker_b: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _network()
    asleep = _model(worker_b)
    monkeypatch.setattr(changes, "MAX_BACKLOG", 2)
    late = [make_org(name=f"Late city {i}", **OSH_AT) for i in range(3)]
    rebuilt = _model(worker_b)
    assert rebuilt is not asleep and all(city.id in rebuilt.orgs for city in late)


def test_a_bulk_import_makes_every_worker_rebuild(match_app: Flask, worker_b: Flask) -> None:
    from covenant_hub.orgs.bulk import upsert_organisations

    _network()
    asleep, own = _model(worker_b), _model(match_app)
    upsert_organisations([{"id": "imported-1", "kind": "supporter", "name": "Imported network"}])
    db.session.commit()
    imported = db.session.scalar(select(Organisation.id).where(Organisation.external_id == "imported-1"))
    rebuilt = _model(worker_b)
    assert rebuilt is not asleep and imported in rebuilt.orgs
    assert imported in _model(match_app).orgs and _model(match_app) is not own  # its flush hooks saw nothing
