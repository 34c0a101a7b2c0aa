"""A rebuild that keeps failing (a full disk) waits longer each time and logs one line a try."""

from __future__ import annotations

import errno
import logging

import pytest

from covenant_hub.search import indexer
from covenant_hub.search.backoff import RetryBackoff
from covenant_hub.search.service import get_service

SERVICE_LOG = "covenant_hub.search.service"


class FakeClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def service(app, clock):
    service = get_service(app)
    service.rebuild_backoff = RetryBackoff(clock=clock)
    return service


@pytest.fixture
def attempts(monkeypatch):
    """Every rebuild fails with ENOSPC naming a different file; the list counts the tries."""
    tries: list[int] = []

    def full_disk(*_args, **_kwargs):
        tries.append(1)
        raise OSError(errno.ENOSPC, "No space left on device", f"index/seg_{len(tries)}.seg")

    monkeypatch.setattr(indexer, "rebuild", full_disk)
    return tries


def _poll(service, times: int = 5) -> None:
    for _ in range(times):
        service.start_rebuild()


def test_failed_rebuilds_wait_one_second_doubling_to_ten_minutes(service, attempts, clock):
    _poll(service)
    assert len(attempts) == 1
    waits = []
    for _ in range(12):
        start, before = clock.now, len(attempts)
        while len(attempts) == before:
            clock.now += 0.5
            _poll(service)
        waits.append(clock.now - start)
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]


def test_a_successful_rebuild_resets_the_wait(service, attempts, clock, monkeypatch):
    for _ in range(4):
        _poll(service)
        clock.now += 600
    assert service.rebuild_backoff.failures == 4
    monkeypatch.setattr(indexer, "rebuild", lambda *_a, **_k: attempts.append(1) or 8)
    service.start_rebuild()  # (a healthy index is not rebuilt again: health checks stop asking)
    assert len(attempts) == 5 and service.rebuild_backoff.failures == 0
    monkeypatch.setattr(indexer, "rebuild", lambda *_a, **_k: (attempts.append(1), 1 / 0))
    _poll(service)
    clock.now += 1
    _poll(service)
    assert len(attempts) == 7  # the first failure after a success waits one second again


def test_each_failure_logs_one_line_and_the_traceback_once(service, attempts, clock, caplog, monkeypatch):
    caplog.set_level(logging.ERROR, logger=SERVICE_LOG)
    for _ in range(5):
        _poll(service)
        clock.now += 600

    def read_only(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "index")

    monkeypatch.setattr(indexer, "rebuild", read_only)
    for _ in range(3):
        _poll(service)
        clock.now += 600
    records = [r for r in caplog.records if r.name == SERVICE_LOG]
    assert len(records) == 8
    assert [r.exc_info is not None for r in records] == [True, False, False, False, False, True, False, False]
    assert all("\n" not in r.getMessage() for r in records)
    assert "No space left on device" in records[1].getMessage() and "next try in" in records[1].getMessage()
