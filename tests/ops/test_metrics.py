"""/metrics: Prometheus text with requests by route and status, latency histograms, the search
and match gauges, the registry others add to, every worker's counts summed, and its access rule."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from prometheus_client.parser import text_string_to_metric_families

from covenant_hub.config import PROJECT_ROOT
from covenant_hub.ops import metrics
from covenant_hub.ops.metrics import may_scrape, register_gauge, scrape_registry


def _families(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def _value(families: dict, name: str, **labels: str) -> float:
    family = families[name]
    for sample in family.samples:
        if all(sample.labels.get(k) == v for k, v in labels.items()) and sample.name.endswith("_total"):
            return sample.value
    return 0.0


def test_requests_are_counted_by_route_rule_and_status(client):
    before = _families(client.get("/metrics").text)
    for _ in range(3):
        client.get("/legal")
    client.get("/no/such/page")
    after = _families(client.get("/metrics").text)
    counted = _value(after, "covenant_http_requests", route="/legal", status="200") - _value(
        before, "covenant_http_requests", route="/legal", status="200")  # fmt: skip
    assert counted == 3
    assert _value(after, "covenant_http_requests", route="<unmatched>", status="404") >= 1
    buckets = [s for s in after["covenant_http_request_duration_seconds"].samples
               if s.name.endswith("_bucket") and s.labels["route"] == "/legal"]  # fmt: skip
    assert buckets and max(s.value for s in buckets) >= 3


def test_the_search_and_match_gauges_are_exported(client):
    text = client.get("/metrics").text
    families = _families(text)
    assert families["covenant_search_outbox_backlog"].samples[0].value >= 0
    assert families["covenant_search_follow_lag_seconds"].samples[0].value >= 0
    assert "covenant_match_model_age_seconds" in families
    assert "covenant_match_changes_behind" in families


def test_a_registered_gauge_appears_and_a_broken_one_hides_nothing(app, client):
    register_gauge(app, "covenant_jobs_queued", "Jobs waiting.", lambda: {("mail",): 4.0, ("digest",): 1.0},
                   labels=["queue"])  # fmt: skip
    register_gauge(app, "covenant_broken", "Fails.", lambda: 1 / 0)
    families = _families(client.get("/metrics").text)
    values = {s.labels["queue"]: s.value for s in families["covenant_jobs_queued"].samples}
    assert values == {"mail": 4.0, "digest": 1.0}
    assert "covenant_broken" not in families and "covenant_http_requests" in families


@pytest.mark.parametrize(
    ("token", "authorization", "remote", "allowed"),
    [
        (None, None, "127.0.0.1", True),  # no token configured: the local Prometheus
        (None, None, "::1", True),
        (None, None, "203.0.113.9", False),  # anyone else
        (None, "Bearer anything", "203.0.113.9", False),
        ("s3cret", None, "127.0.0.1", False),  # a token configured: local is not enough
        ("s3cret", "Bearer wrong", "203.0.113.9", False),
        ("s3cret", "Bearer ", "203.0.113.9", False),
        ("s3cret", "Bearer s3cret", "203.0.113.9", True),
    ],
)
def test_may_scrape(token, authorization, remote, allowed):
    assert may_scrape(token, authorization, remote) is allowed


def test_a_remote_client_is_refused_without_the_token(client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403


def test_with_a_token_configured_only_its_bearer_reads(app, client):
    app.config["METRICS_TOKEN"] = "s3cret"
    assert client.get("/metrics").status_code == 403
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret"},
                    environ_base={"REMOTE_ADDR": "203.0.113.9"})  # fmt: skip
    assert ok.status_code == 200 and ok.mimetype == "text/plain"


def test_workers_counts_are_summed_in_multiprocess_mode(app, tmp_path, monkeypatch):
    """Two processes count requests into one folder; a scrape from a third sees both."""
    folder = tmp_path / "prom"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    code = ("from covenant_hub.ops.metrics import REQUESTS; "
            "REQUESTS.labels('/legal', 'GET', '200').inc(5)")  # fmt: skip
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, check=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    from prometheus_client import generate_latest

    families = _families(generate_latest(scrape_registry(app)).decode())
    assert _value(families, "covenant_http_requests", route="/legal", status="200") == 10
    assert metrics.PROCESS_REGISTRY is not None
