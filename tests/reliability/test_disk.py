"""A full index disk and a corrupted index under a running gunicorn: the site keeps working,
search says when it is degraded (never a silent miss) and repairs itself."""

from __future__ import annotations

import pytest

from bench import reliability_disk


def test_a_full_disk_and_three_corruptions_degrade_search_visibly_and_repair_themselves(site_dir):
    reason = reliability_disk.tmpfs_unavailable()
    results = {f["scenario"]: f for f in reliability_disk.run(site_dir, workers=2, probes=2, stale_s=1.0)}
    for name, figures in results.items():
        if "skipped" in figures:
            continue
        assert figures["errors"] == [], name
        assert (figures["replies_saved"], figures["pages_failed"], figures["5xx"]) == (2, 0, 0), name
        assert figures["silent_misses"] == 0, name
        assert figures["repaired"] and (figures["check_missing"], figures["check_extra"]) == (0, 0), name
    assert results["full_disk"]["degraded_seen"] > 0 if reason is None else results["full_disk"]["skipped"]
    if reason is not None:
        pytest.skip(f"full disk not tried: {reason}")
