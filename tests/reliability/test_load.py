"""Concurrent posters against gunicorn with 3 workers: nothing confirmed is lost or doubled."""

from __future__ import annotations

from bench import reliability_load


def test_every_confirmed_reply_is_stored_once_and_found_by_search(site_dir):
    figures = reliability_load.run(site_dir, clients=4, replies=15)
    assert figures["errors"] == []
    assert figures["confirmed"] == 60
    assert (figures["kept"], figures["lost"], figures["duplicates"], figures["5xx"]) == (60, 0, 0, 0)
    assert figures["not_found_5s"] == 0
    assert (figures["check_missing"], figures["check_extra"]) == (0, 0)
