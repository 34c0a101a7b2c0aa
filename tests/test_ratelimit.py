"""Rate limits on login, registration and reset hold across worker processes.

Flask-Limiter's memory storage counts per process, so N gunicorn workers would let N times the
limit through; the shared SQLite storage must not.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest

from covenant_hub.ratelimit import SQLiteRateLimitStorage

PROCESSES = 3
LIMIT = 4


@pytest.fixture
def limited_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Limits on, low and per hour, so a slow machine cannot slip into a fresh window."""
    app_config.update(
        {
            "RATELIMIT_ENABLED": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_LOGIN": f"{LIMIT} per hour",
            "RATELIMIT_REGISTER": "2 per hour",
            "RATELIMIT_RESET": "2 per hour",
        }
    )
    return app_config


def storage(path: Path) -> SQLiteRateLimitStorage:
    return SQLiteRateLimitStorage(f"covenantsqlite:///{path}")


# --- the storage itself ---------------------------------------------------------------------


def test_incr_counts_and_get_reads(tmp_path):
    store = storage(tmp_path / "limits.db")
    assert store.get("k") == 0
    assert [store.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert store.get("k") == 3
    assert store.incr("k", 60, amount=5) == 8
    assert store.get_expiry("k") > 0


def test_expired_window_starts_again(tmp_path):
    store = storage(tmp_path / "limits.db")
    store.incr("k", 0)  # a window that is over as soon as it starts
    assert store.get("k") == 0
    assert store.incr("k", 60) == 1


def test_clear_reset_and_check(tmp_path):
    store = storage(tmp_path / "limits.db")
    store.incr("a", 60)
    store.incr("b", 60)
    store.clear("a")
    assert (store.get("a"), store.get("b")) == (0, 1)
    assert store.reset() == 1
    assert store.get("b") == 0
    assert store.check()


def test_two_storages_on_one_file_share_counters(tmp_path):
    first, second = storage(tmp_path / "limits.db"), storage(tmp_path / "limits.db")
    first.incr("k", 60)
    assert second.incr("k", 60) == 2
    assert first.get("k") == 2


def test_concurrent_threads_lose_no_increment(tmp_path):
    store = storage(tmp_path / "limits.db")

    def hit() -> None:
        for _ in range(25):
            store.incr("k", 60)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.get("k") == 100


# --- the limits on the accounts pages -------------------------------------------------------


def test_login_posts_are_limited_and_get_a_friendly_429(limited_config):
    from covenant_hub import create_app

    client = create_app(limited_config).test_client()
    data = {"email": "someone@example.org", "password": "wrong-password-1"}
    codes = [client.post("/account/login", data=data).status_code for _ in range(LIMIT + 2)]
    assert codes == [200] * LIMIT + [429, 429]
    refused = client.post("/account/login", data=data)
    assert b"Too many attempts" in refused.data
    assert client.get("/account/login").status_code == 200  # reading the form is not limited


@pytest.mark.parametrize("path", ["/account/register", "/account/forgot"])
def test_register_and_reset_are_limited(limited_config, path):
    from covenant_hub import create_app

    client = create_app(limited_config).test_client()
    codes = [client.post(path, data={"email": "not-an-address"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_failed_logins_on_one_account_are_limited_from_any_client_address(limited_config):
    """The loose account-wide limit: each client stays under its own limit, together they do not."""
    from covenant_hub import create_app

    limited_config.update(
        {
            "RATELIMIT_LOGIN": "100 per hour",
            "RATELIMIT_LOGIN_FAILURES_PER_CLIENT": "10 per hour",
            "RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT": "3 per hour",
        }
    )
    client = create_app(limited_config).test_client()

    def attempt(email: str, ip: str) -> int:
        data = {"email": email, "password": "wrong-password-1"}
        return client.post("/account/login", data=data, environ_base={"REMOTE_ADDR": ip}).status_code

    codes = [attempt("Target@Example.org", f"10.0.0.{n}") for n in range(1, 5)]
    assert codes == [200, 200, 200, 429], "the fourth failure from a fourth address is refused"
    assert attempt("target@example.org ", "10.0.0.9") == 429, "the address is folded"
    assert attempt("someone-else@example.org", "10.0.0.1") == 200


def test_limits_are_off_when_disabled(app_config):
    from covenant_hub import create_app

    app_config.update({"WTF_CSRF_ENABLED": False, "RATELIMIT_LOGIN": "1 per hour"})
    client = create_app(app_config).test_client()
    codes = {client.post("/account/login", data={"email": "a@b.org"}).status_code for _ in range(3)}
    assert codes == {200}


# --- across processes -----------------------------------------------------------------------


def _fire_logins(config: dict[str, Any], attempts: int, barrier: Any, results: Any) -> None:
    """One 'worker': its own app and storage object, the same storage file as the others."""
    from covenant_hub import create_app

    client = create_app(config).test_client()
    data = {"email": "someone@example.org", "password": "wrong-password-1"}
    barrier.wait(timeout=120)
    results.put([client.post("/account/login", data=data).status_code for _ in range(attempts)])


def test_limit_holds_across_processes(limited_config):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    workers = [
        context.Process(target=_fire_logins, args=(limited_config, LIMIT, barrier, results))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    codes = [code for _ in workers for code in results.get(timeout=180)]
    for worker in workers:
        worker.join(timeout=60)
    assert len(codes) == PROCESSES * LIMIT
    # Each process alone stays within the limit; together they must be held to it once, not 3x.
    assert codes.count(200) == LIMIT
    assert codes.count(429) == (PROCESSES - 1) * LIMIT


@pytest.mark.parametrize(("proxies", "limited"), [(0, True), (1, False)])
def test_behind_a_trusted_proxy_clients_are_told_apart(limited_config, proxies, limited):
    """Two clients behind one proxy: with TRUSTED_PROXIES set they have their own limits."""
    from covenant_hub import create_app

    limited_config.update({"TRUSTED_PROXIES": proxies, "RATELIMIT_REGISTER": "1 per hour"})
    client = create_app(limited_config).test_client()

    def register(client_ip: str) -> int:
        return client.post(
            "/account/register",
            data={"email": "not-an-address"},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
            headers={"X-Forwarded-For": client_ip},
        ).status_code

    assert register("198.51.100.1") == 200
    assert (register("198.51.100.2") == 429) is limited
