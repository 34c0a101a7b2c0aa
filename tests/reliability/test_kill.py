"""Posters while workers are SIGKILLed and the whole server dies and restarts."""

from __future__ import annotations

from bench import reliability_kill


def test_killed_workers_and_a_restarted_server_lose_and_double_nothing(site_dir):
    figures = reliability_kill.run(site_dir, clients=3, replies=20, rounds=3, every_replies=10)
    assert figures["errors"] == []
    assert (figures["worker_kills"], figures["server_restarts"]) == (3, 1)
    assert figures["confirmed"] + figures["unconfirmed"] == 60
    assert (figures["lost"], figures["duplicates"], figures["5xx"]) == (0, 0, 0)
    assert figures["not_found"] == 0
    assert (figures["check_missing"], figures["check_extra"]) == (0, 0)
