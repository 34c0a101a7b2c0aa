"""The change log: append-only, followed by every index from its own mark, pruned after a
retention window (followers behind the prune rebuild), and checked by content, not only keys."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forum.models import Post
from covenant_hub.search import indexer, outbox
from covenant_hub.search.engine.index import SearchIndex
from covenant_hub.search.engine.results import SearchQuery
from covenant_hub.search.outbox import SearchOutbox
from covenant_hub.search.service import get_service
from tests.factories import make_group, make_practice, make_thread


def found(ix: SearchIndex, text: str) -> set[str]:
    return {hit.key for hit in ix.search(SearchQuery(text, audiences=("public",))).hits}


def log_size() -> int:
    return len(db.session.scalars(select(SearchOutbox.id)).all())


def test_following_the_log_leaves_its_rows_for_the_other_nodes(app, tmp_path):
    node_a, node_b = get_service(app).index, SearchIndex(tmp_path / "node-b-index")
    practice = make_practice(title="Geothermal heating in Naryn")
    rows = log_size()
    assert indexer.drain(node_a).rows == rows
    assert log_size() == rows  # nothing deleted by a reader
    assert indexer.backlog(node_a) == 0 and indexer.backlog(node_b) == rows
    assert indexer.drain(node_b).rows == rows  # the second node applies the same rows
    assert found(node_a, "geothermal") == found(node_b, "geothermal") == {f"practice:{practice.id}"}
    assert indexer.read_mark(node_a) == indexer.read_mark(node_b) == outbox.last_id(db.session.connection())


def test_a_crash_between_the_index_commit_and_the_mark_replays_and_never_skips(app, monkeypatch):
    ix = get_service(app).index
    make_practice(title="Wind turbine cooperative")
    before = indexer.read_mark(ix)

    def power_cut(*_args):
        raise OSError("power cut")

    monkeypatch.setattr(indexer, "write_mark", power_cut)
    try:
        indexer.drain(ix)
    except OSError:
        pass
    assert indexer.read_mark(ix) == before and indexer.backlog(ix) > 0  # the rows wait...
    monkeypatch.undo()
    assert indexer.drain(ix).rows > 0  # ...and are replayed
    assert indexer.backlog(ix) == 0 and found(ix, "turbine")


def test_a_rebuild_takes_its_mark_before_it_reads_the_database(app, monkeypatch):
    ix = get_service(app).index
    make_practice(title="District heating")
    order: list[str] = []
    last_id, all_documents = outbox.last_id, indexer.documents.all_documents

    def marking(connection):
        order.append("mark")
        return last_id(connection)

    def reading(*args, **kwargs):
        order.append("read")
        return all_documents(*args, **kwargs)

    monkeypatch.setattr(indexer.outbox, "last_id", marking)
    monkeypatch.setattr(indexer.documents, "all_documents", reading)
    head = last_id(db.session.connection())
    indexer.rebuild(ix, procs=1)
    assert order[:2] == ["mark", "read"]
    assert indexer.read_mark(ix) == head and log_size() > 0  # consistent with the log, deleted nothing


def test_a_change_written_during_a_rebuild_lies_above_its_mark_and_is_replayed(app, monkeypatch):
    ix = get_service(app).index
    org = make_practice(title="First practice").owner
    all_documents = indexer.documents.all_documents

    def reading_while_someone_writes(*args, **kwargs):
        make_practice(org=org, title="Compost written meanwhile")  # committed after the mark
        return all_documents(*args, **kwargs)

    monkeypatch.setattr(indexer.documents, "all_documents", reading_while_someone_writes)
    indexer.rebuild(ix, procs=1)
    monkeypatch.undo()
    assert indexer.backlog(ix) >= 1  # the new rows are above the rebuild's mark
    indexer.drain(ix)
    assert found(ix, "compost") and indexer.backlog(ix) == 0


def _age_everything(seconds: float) -> None:
    db.session.execute(update(SearchOutbox).values(created_at=utcnow() - timedelta(seconds=seconds)))
    db.session.commit()


def test_pruning_keeps_young_rows_and_the_newest_and_leaves_a_marker(app):
    make_practice(title="Old practice")
    _age_everything(3600)
    head = outbox.last_id(db.session.connection())
    make_practice(title="Young practice")
    deleted = indexer.prune(60)
    keys = db.session.scalars(select(SearchOutbox.key).order_by(SearchOutbox.id)).all()
    assert deleted >= 1 and keys[-1] == f"{outbox.PRUNED}{head}"
    assert any(key.startswith("practice:") for key in keys)  # the young rows stay
    assert indexer.prune(60) == 0  # nothing more is old enough


def test_an_index_whose_mark_fell_behind_the_prune_rebuilds(app, tmp_path):
    current, asleep = get_service(app).index, SearchIndex(tmp_path / "asleep-index")
    practice = make_practice(title="Biogas digesters for farms")
    indexer.drain(current)
    indexer.rebuild(asleep, procs=1)
    make_practice(org=practice.owner, title="Straw bale insulation")  # the sleeping node misses it...
    indexer.drain(current)
    _age_everything(3600)
    make_practice(org=practice.owner, title="Rainwater tanks")
    assert indexer.prune(60) > 0  # ...and the rows are pruned while it sleeps
    assert not indexer.drain(current).rebuilt  # a node that kept up just follows
    woke = indexer.drain(asleep)
    assert woke.behind and woke.rebuilt
    assert found(asleep, "straw") and found(asleep, "rainwater") and indexer.backlog(asleep) == 0


def test_check_finds_a_stale_edit_and_a_hidden_post_the_index_still_holds(app, runner):
    import json

    ix = get_service(app).index
    thread = make_thread(make_group(), posts=2)
    first, second = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id).order_by(Post.id)
    ).all()
    second.body = "Zeppelin mooring masts"
    db.session.commit()
    indexer.drain(ix)
    assert f"post:{second.id}" in found(ix, "zeppelin")  # indexed while visible
    first.body = "Edited: photovoltaic carports"
    second.state = "hidden"
    db.session.commit()
    first_id, second_id = first.id, second.id
    db.session.execute(SearchOutbox.__table__.delete().where(SearchOutbox.id > indexer.read_mark(ix)))
    db.session.commit()  # as if this index had missed those rows
    report = json.loads(runner.invoke(args=["search", "check", "--no-repair", "--json"]).output)
    assert report["stale"] + report["extra"] >= 2 and report["missing"] == 0, report
    assert not found(ix, "photovoltaic") and found(ix, "zeppelin")
    repaired = json.loads(runner.invoke(args=["search", "check", "--json"]).output)
    assert repaired["repaired"]
    again = json.loads(runner.invoke(args=["search", "check", "--json"]).output)
    assert (again["missing"], again["stale"], again["extra"]) == (0, 0, 0)
    assert f"post:{first_id}" in found(ix, "photovoltaic")
    assert f"post:{second_id}" not in found(ix, "zeppelin")


def test_lag_counts_the_rows_an_index_has_not_applied(app, runner):
    import json

    ix = get_service(app).index
    indexer.rebuild(ix, procs=1)
    assert indexer.lag(ix).rows == 0
    make_practice(title="Electric buses")
    data = json.loads(runner.invoke(args=["search", "lag", "--json"]).output)
    assert data["lag_rows"] >= 1 and data["head"] > data["mark"]
    indexer.drain(ix)
    assert indexer.lag(ix).rows == 0 and indexer.lag(ix).seconds == 0
