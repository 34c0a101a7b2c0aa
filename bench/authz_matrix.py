"""Authorisation matrix: every state-changing route of app.url_map, sent by an anonymous visitor,
a member without a role on the target, another organisation's admin and another group's
moderator; a request that writes to the database on a route not allowed to the role is an
unexpected success.

Run: .venv/bin/python bench/authz_matrix.py

The same matrix as tests/reliability/test_authz_matrix.py (in-process, CSRF off, writes
counted per request), each role on a fresh site. Prints one JSON line: routes, requests,
unexpected successes (and which), 5xx.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def run_role(base: Path, role: str) -> tuple[int, int, list[str], list[str]]:
    """(routes, requests, unexpected successes, 5xx) of one role on a fresh site in ``base``."""
    from flask_migrate import upgrade

    from covenant_hub import create_app
    from covenant_hub.extensions import db
    from tests.conftest import FreshRequestClient, build_test_config
    from tests.reliability.test_authz_matrix import run_matrix
    from tests.security.test_csrf_everywhere import unsafe_routes
    from tests.security.world import SecurityWorld

    base.mkdir(parents=True)
    app = create_app(build_test_config(base, base / "covenant.db"))
    app.test_client_class = FreshRequestClient
    with app.app_context():
        upgrade()
        world = SecurityWorld(app)
        routes = len(unsafe_routes(app, world))
        seen = run_matrix(app, app.test_client(), role, world)
        db.session.remove()
        db.engine.dispose()
    return routes, seen.requests, [f"{role} {endpoint}" for endpoint in seen.written], seen.server_errors


def run(base: Path) -> dict[str, Any]:
    from tests.reliability.test_authz_matrix import ROLES

    started = time.monotonic()
    routes, requests, unexpected, errors = 0, 0, [], []
    for role in ROLES:
        routes, sent, wrote, failed = run_role(base / role, role)
        requests += sent
        unexpected += wrote
        errors += failed
    return {
        "routes": routes,
        "roles": list(ROLES),
        "requests": requests,
        "unexpected_successes": len(unexpected),
        "5xx": len(errors),
        "seconds": round(time.monotonic() - started, 1),
        "examples": (unexpected + errors)[:10],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(run(Path(tmp))))


if __name__ == "__main__":
    main()
