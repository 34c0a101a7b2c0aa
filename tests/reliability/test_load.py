"""Concurrent posters against gunicorn with 3 workers: nothing confirmed is lost or doubled."""

from __future__ import annotations

from bench import reliability_load


def test_every_confirmed_reply_is_stored_once_and_found_by_search(site_dir):
    figures = reliability_load.run(site_dir, clients=3, replies=10)
    assert figures["errors"] == []
    assert figures["confirmed"] == 30
    assert (figures["kept"], figures["lost"], figures["duplicates"], figures["5xx"]) == (30, 0, 0, 0)
    assert figures["not_found"] == 0  # found at all (a 60 s hang guard); bench/ reports the 5 s figure
    assert (figures["check_missing"], figures["check_extra"]) == (0, 0)
