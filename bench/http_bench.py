"""Requests per second and p50/p95 latency of the main pages over HTTP, on gunicorn, under 8 and
32 concurrent clients, beside a hello-world route on the same server in the same run.

Run: .venv/bin/python bench/http_bench.py [--requests 200] [--workers 2] [--clients 8 32]
     [--orgs 12000 --practices 10000 --posts 100000]
The data set comes from bench/bench_data.py (built once, cached under the temp dir). Pages: home,
directory, practice list, practice page, a 200-post thread, search, the match-request page (as
the requesting organisation's admin). Each client is a thread with its own keep-alive
connection; every page gets `--requests` requests per concurrency level after a warm-up.
Prints a table and, last, one JSON line. The goal: every page's p95 <= 150 ms at 8 clients.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_data  # noqa: E402

GOAL_P95_MS = 150.0


def pages(ids: dict[str, Any]) -> dict[str, str]:
    return {
        "hello": "/__bench/hello",
        "home": "/",
        "directory": "/orgs/",
        "practice_list": "/practices/",
        "practice_page": f"/practices/{ids['practice_id']}",
        "thread_200_posts": f"/forum/t/{ids['thread_id']}",
        "search": "/search?q=street+lighting+school",
        "match_request": f"/matching/requests/{ids['request_id']}",
    }


def session_cookie(folder: Path, user_id: int) -> str:
    """A signed Flask session for the bench's org admin, made with the served app's key."""
    sys.path.insert(0, str(ROOT))
    from covenant_hub import create_app
    from covenant_hub.accounts.models import User
    from covenant_hub.extensions import db

    app = create_app(bench_data.config(folder))
    with app.app_context():
        user = db.session.get(User, user_id)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        cookie = client.get_cookie("session")
        db.engine.dispose()
    assert cookie is not None
    return f"session={cookie.value}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(folder: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, **{f"COVENANT_{k}": str(v) for k, v in bench_data.config(folder).items()}}
    env["COVENANT_RATELIMIT_ENABLED"] = "0"
    env["COVENANT_DEMO_DATA"] = "0"
    env["COVENANT_LOG_LEVEL"] = "WARNING"
    command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"),
               "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT / "bench"),
               "http_bench_app:app"]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/__bench/hello")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 120 s")


def run_level(port: int, path: str, clients: int, total: int, cookie: str) -> dict[str, Any]:
    """`total` GETs of `path` spread over `clients` threads; latencies in ms."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": cookie, "Accept-Language": "en"}
        for _ in counter:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, error_text = 0, repr(error)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors.append(str(status) if status else error_text)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 1) if latencies else None,
        "ok": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page and concurrency level")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (the machine has 2 cores)")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--orgs", type=int, default=12_000)
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    data = bench_data.ensure(args.orgs, args.practices, args.posts)
    folder = Path(data["folder"])
    cookie = session_cookie(folder, data["ids"]["user_id"])
    port = free_port()
    server = start_gunicorn(folder, port, args.workers)
    results: dict[str, dict[str, Any]] = {}
    try:
        for name, path in pages(data["ids"]).items():
            warm = run_level(port, path, 2, 10, cookie)
            if warm["errors"]:
                print(f"{name}: {path} answers {warm['first_error']}", file=sys.stderr)
            results[name] = {"path": path}
            for clients in args.clients:
                level = run_level(port, path, clients, args.requests, cookie)
                results[name][str(clients)] = level
                print(f"{name:18} {clients:3} clients  {level['rps']:7.1f} req/s  p50 {level['p50_ms']} ms  "
                      f"p95 {level['p95_ms']} ms  errors {level['errors']}", flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    at8 = {n: r["8"]["p95_ms"] for n, r in results.items() if "8" in r and n != "hello"}
    slowest = max(at8, key=lambda n: at8[n] or 0.0) if at8 else None
    summary = {
        "bench": "http",
        "data": {"orgs": data["orgs"], "practices": data["practices"], "posts": data["posts"]},
        "workers": args.workers,
        "requests_per_level": args.requests,
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "pages": results,
        "slowest_at_8": slowest,
        "goal_p95_ms_at_8": GOAL_P95_MS,
        "goal_met": all((v or 1e9) <= GOAL_P95_MS for v in at8.values()),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
