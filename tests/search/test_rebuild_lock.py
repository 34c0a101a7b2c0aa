"""A rebuild reads every document while it writes the index: minutes on a big site. On SQLite
a read begun IMMEDIATE holds the write lock all that time, so every POST of every worker waited
out the busy timeout and failed with "database is locked" (seen in a browser test's server log:
a worker's background rebuild made the other worker's writes fail). The reads begin DEFERRED."""

from __future__ import annotations

import pytest

from covenant_hub.extensions import db
from covenant_hub.search import documents, indexer
from covenant_hub.search.service import get_service
from tests.dblocks import writer_can_start
from tests.factories import make_practice


@pytest.fixture
def lock_seen_while_reading(app, monkeypatch) -> list[bool]:
    """Whether another connection could write, checked as each document is read."""
    seen: list[bool] = []
    all_documents = documents.all_documents

    def watched(*args, **kwargs):
        for doc in all_documents(*args, **kwargs):
            seen.append(writer_can_start(app))
            yield doc

    monkeypatch.setattr(documents, "all_documents", watched)
    for number in range(3):
        make_practice(title=f"Heat pumps for school {number}", summary="boreholes", body="", language="en")
    db.session.commit()
    return seen


@pytest.mark.sqlite_only
def test_a_rebuild_leaves_the_write_lock_to_other_workers(app, lock_seen_while_reading):
    assert indexer.rebuild(get_service(app).index, procs=1) == 6  # three practices and their organisations
    assert lock_seen_while_reading and all(lock_seen_while_reading)


@pytest.mark.sqlite_only
def test_a_check_leaves_the_write_lock_to_other_workers(app, lock_seen_while_reading):
    report = indexer.check(get_service(app).index)
    assert report.database == 6 and report.repaired
    assert lock_seen_while_reading and all(lock_seen_while_reading)
