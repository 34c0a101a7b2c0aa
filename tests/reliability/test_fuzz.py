"""Hostile input on every rule of app.url_map against gunicorn, logged out and logged in with real
CSRF tokens: no answer is a 5xx and no connection drops (bench/fuzz_routes.py, every 16th case of
each route here; the bench sends them all, and a member's oversize upload goes past a 1 MiB
MAX_CONTENT_LENGTH instead of 16 MiB)."""

from __future__ import annotations

from bench import fuzz_routes


def test_hostile_requests_on_every_route_never_answer_5xx(site_dir):
    figures = fuzz_routes.run(site_dir, workers=2, threads=2, stride=16, visitors=("anonymous", "member"),
                              extra_config={"MAX_CONTENT_LENGTH": 1 << 20})  # fmt: skip
    assert figures["routes"] > 150 and figures["requests"] > 500
    assert (figures["5xx"], figures["dropped"]) == (0, 0), figures["examples"]
