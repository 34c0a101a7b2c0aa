"""An index that cannot take the queued changes (a full disk, a stuck writer) must not answer as
if it were current: searches go to the database and say so until the queue drains again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.search.outbox import SearchOutbox
from tests.factories import make_practice
from tests.search.test_views import api, ids


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SEARCH_WORKER": "off", "SEARCH_STALE_S": 5.0}  # nothing drains by itself


@pytest.fixture
def index_built(app):
    """A healthy, empty index: what is made later waits in the queue."""
    from covenant_hub.search import indexer
    from covenant_hub.search.service import get_service

    indexer.rebuild(get_service(app).index, procs=1)


def _age_the_queue(seconds: float) -> None:
    db.session.execute(update(SearchOutbox).values(created_at=utcnow() - timedelta(seconds=seconds)))
    db.session.commit()


def test_changes_queued_past_the_stale_limit_make_search_answer_from_the_database(app, client, index_built):
    practice = make_practice(title="Biogas digesters for farms")
    _age_the_queue(30)
    data = api(client, q="biogas")
    assert data["degraded"] and ids(data) == {practice.external_id}
    html = client.get("/search?q=biogas").get_data(as_text=True)
    assert "search-degraded" in html and "Search is being rebuilt" in html and "digesters for farms" in html


def test_a_fresh_queue_is_not_a_lagging_index(app, client, index_built):
    make_practice(title="Biogas digesters for farms")
    assert not api(client, q="biogas")["degraded"]


def test_search_uses_the_index_again_once_the_queue_is_drained(app, client, index_built):
    from covenant_hub.search.service import get_service

    practice = make_practice(title="Biogas digesters for farms")
    _age_the_queue(30)
    assert api(client, q="biogas")["degraded"]
    result = get_service(app).drain_now(timeout=5.0)
    assert result is not None and result.rows >= 1
    db.session.rollback()  # the test's session shares the requests' app context: end its snapshot
    data = api(client, q="biogas")
    assert not data["degraded"] and ids(data) == {practice.external_id}


def test_while_another_process_rebuilds_a_wiped_index_search_answers_from_the_database(app, client):
    """This process found the index healthy; another one then found it damaged and started again
    from an empty index: until that rebuild commits, the empty index must not answer."""
    from covenant_hub.search import indexer
    from covenant_hub.search.service import get_service

    practice = make_practice(title="Biogas digesters for farms")
    service = get_service(app)
    assert service.drain_now(timeout=5.0) is not None and service.healthy()
    db.session.rollback()
    assert not api(client, q="biogas")["degraded"]
    service.index.close()
    indexer._sibling(service.index, ".incomplete").touch()  # what indexer.rebuild does first
    service.index.rebuild([], procs=1)  # wiped and empty, the rebuild not yet committed
    data = api(client, q="biogas")
    assert data["degraded"] and ids(data) == {practice.external_id}
    indexer.rebuild(service.index, procs=1)
    data = api(client, q="biogas")
    assert not data["degraded"] and ids(data) == {practice.external_id}
