"""The outbox: rows in the change's own transaction, drained by one writer, replayed after a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.forum.models import Post
from covenant_hub.search import indexer
from covenant_hub.search.engine.index import IndexLocked
from covenant_hub.search.engine.results import SearchQuery
from covenant_hub.search.outbox import SearchOutbox
from covenant_hub.search.service import get_service
from tests.factories import make_group, make_practice, make_thread


def outbox_keys() -> set[str]:
    return set(db.session.scalars(select(SearchOutbox.key)))


def found(app, text: str, audiences=("public",)) -> set[str]:
    ix = get_service(app).index
    return {hit.key for hit in ix.search(SearchQuery(text, audiences=audiences)).hits}


def test_a_change_writes_its_outbox_row_in_the_same_transaction(app):
    practice = make_practice(title="Solar roofs for schools")
    assert f"practice:{practice.id}" in outbox_keys()


def test_a_rolled_back_change_leaves_no_outbox_row(app):
    from covenant_hub.library.models import Practice

    owner = make_practice().owner
    db.session.execute(SearchOutbox.__table__.delete())
    db.session.commit()
    db.session.add(Practice(external_id="p-rolled", org_id=owner.id, title="Never saved", language="en"))
    db.session.flush()
    assert outbox_keys()  # written by the flush, inside the transaction...
    db.session.rollback()
    assert outbox_keys() == set()  # ...and gone with it


def test_a_post_change_refreshes_the_post_and_its_thread(app):
    thread = make_thread(make_group())
    db.session.execute(SearchOutbox.__table__.delete())
    db.session.commit()
    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).first()
    post.body = "edited body"
    db.session.commit()
    assert outbox_keys() == {f"post:{post.id}", f"thread:{thread.id}"}


def test_drain_indexes_and_empties_the_outbox(app):
    make_practice(title="Geothermal heating in Naryn")
    result = indexer.drain(get_service(app).index)
    assert result.rows > 0 and indexer.backlog() == 0
    assert any(key.startswith("practice:") for key in found(app, "geothermal"))


def test_a_deleted_record_leaves_the_index(app):
    practice = make_practice(title="Compost collection scheme")
    indexer.drain(get_service(app).index)
    assert found(app, "compost") == {f"practice:{practice.id}"}  # it was there to leave
    db.session.delete(practice)
    db.session.commit()
    indexer.drain(get_service(app).index)
    assert found(app, "compost") == set()


def test_rows_survive_a_failure_mid_drain_and_are_replayed(app, monkeypatch):
    practice = make_practice(title="Wind turbine cooperative")
    ix = get_service(app).index

    def crash(*_args, **_kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr("covenant_hub.search.indexer.to_fields", crash)
    with pytest.raises(RuntimeError):
        indexer.drain(ix)
    assert f"practice:{practice.id}" in outbox_keys()  # nothing lost
    monkeypatch.undo()
    indexer.drain(ix)  # the lock was released: the next writer gets it
    assert f"practice:{practice.id}" in found(app, "turbine")
    assert indexer.backlog() == 0


def test_two_writers_do_not_both_drain(app):
    make_practice(title="Bicycle lanes")
    ix = get_service(app).index
    holder = ix.writer(timeout=1)  # another process's drain holds Whoosh's lock
    try:
        result = indexer.drain_once(ix, timeout=0)
        assert result.locked and result.rows == 0
        assert indexer.backlog() > 0
        with pytest.raises(IndexLocked):
            ix.writer(timeout=0)
    finally:
        holder.cancel()
    assert indexer.drain_once(ix, timeout=0).rows > 0


def test_a_group_turning_members_only_takes_its_posts_out_of_public_results(app):
    group = make_group()
    make_thread(group, title="Heat pumps in schools")
    indexer.drain(get_service(app).index)
    assert found(app, "heat pumps")
    group.visibility = "members"
    db.session.commit()
    indexer.drain(get_service(app).index)
    assert found(app, "heat pumps") == set()
    assert found(app, "heat pumps", ("public", f"group:{group.id}"))


def test_bulk_statements_write_outbox_rows_too(app):
    from sqlalchemy import insert, update

    from covenant_hub.orgs.models import Organisation

    source, target = make_thread(make_group(), posts=2), make_thread(make_group())
    db.session.execute(SearchOutbox.__table__.delete())
    db.session.commit()
    moved = set(db.session.scalars(select(Post.id).where(Post.thread_id == source.id)))
    db.session.execute(update(Post).where(Post.thread_id == source.id).values(thread_id=target.id))
    db.session.execute(
        insert(Organisation), [{"external_id": "bulk-1", "kind": "signatory", "name": "Bulk town"}]
    )
    db.session.commit()
    new_org = db.session.scalar(select(Organisation.id).where(Organisation.external_id == "bulk-1"))
    keys = outbox_keys()
    assert {f"post:{p}" for p in moved} <= keys
    assert {f"thread:{source.id}", f"thread:{target.id}", f"organisation:{new_org}"} <= keys


def test_a_rolled_back_bulk_statement_leaves_no_outbox_row(app):
    from sqlalchemy import update

    from covenant_hub.orgs.models import Organisation

    make_practice()
    db.session.execute(SearchOutbox.__table__.delete())
    db.session.commit()
    db.session.execute(update(Organisation).values(name="Renamed"))
    assert outbox_keys()
    db.session.rollback()
    assert outbox_keys() == set()


def test_the_idle_peek_sees_the_backlog(app):
    db.session.execute(SearchOutbox.__table__.delete())
    db.session.commit()
    assert not indexer.has_backlog()
    make_practice()
    assert indexer.has_backlog()
