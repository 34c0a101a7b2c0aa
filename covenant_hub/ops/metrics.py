"""`/metrics` in Prometheus's text format, and the small registry the domains add to.

Per-request counts and latencies are prometheus_client metrics of this process. Under gunicorn
each worker is its own process: when `PROMETHEUS_MULTIPROC_DIR` is set (gunicorn.conf.py sets
it, and empties it at start) every worker writes its samples to files there and a scrape,
answered by whichever worker, sums them all (prometheus_client's multiprocess mode).

Gauges read from the database (the search outbox backlog, the match model's age, later the job
queue) are computed when scraped, by `register_gauge` providers that the domains register in
their `init_app`: the database is the truth, there is nothing to keep in step.

Access: with `COVENANT_METRICS_TOKEN` set, only `Authorization: Bearer <token>`; without it,
only clients on the loopback address (the Prometheus server beside the app, or nginx's
allow-list in deploy/nginx.conf, whose requests reach the app from 127.0.0.1).
"""

from __future__ import annotations

import hmac
import logging
import math
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)
EXTENSION = "covenant_metrics"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})

# This process's metrics live in their own registry (not prometheus_client's global one), so
# nothing else a library registers is exported by accident.
PROCESS_REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "covenant_http_requests", "HTTP requests answered, by route rule, method and status.",
    ["route", "method", "status"], registry=PROCESS_REGISTRY,
)  # fmt: skip
LATENCY = Histogram(
    "covenant_http_request_duration_seconds", "Time to answer a request, by route rule and method.",
    ["route", "method"], registry=PROCESS_REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)  # fmt: skip

Sample = float | dict[tuple[str, ...], float] | None
Provider = Callable[[], Sample]


@dataclass(frozen=True)
class Gauge:
    """A value read at scrape time: `provide()` gives a number, or one per label tuple."""

    name: str
    documentation: str
    provide: Provider
    labels: tuple[str, ...] = ()


def register_gauge(app: Flask, name: str, documentation: str, provide: Provider,
                   labels: Iterable[str] = ()) -> None:  # fmt: skip
    """Add a gauge computed at each scrape, inside an app context (e.g. the job queue's depth:
    `register_gauge(app, "covenant_jobs_queued", "Jobs waiting.", lambda: count_queued())`)."""
    gauges: dict[str, Gauge] = app.extensions.setdefault(EXTENSION, {})
    gauges[name] = Gauge(name, documentation, provide, tuple(labels))


def counter(name: str, documentation: str, labels: Iterable[str] = ()) -> Counter:
    """A process counter exported at /metrics (summed over workers in multiprocess mode), e.g.
    job failures by kind. Call once per process, at import time of the module that counts."""
    return Counter(name, documentation, list(labels), registry=PROCESS_REGISTRY)


class ProvidedGauges(Collector):
    """Collects the registered gauges of one app, skipping (and logging) any that fails."""

    def __init__(self, gauges: Iterable[Gauge]) -> None:
        self.gauges = list(gauges)

    def collect(self) -> Iterator[Metric]:
        for gauge in self.gauges:
            try:
                value = gauge.provide()
            except Exception:  # noqa: BLE001 - one broken gauge must not hide the others
                log.warning("metric %s could not be read", gauge.name, exc_info=True)
                continue
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=list(gauge.labels) or None)
            if isinstance(value, dict):
                for labels, number in value.items():
                    family.add_metric(list(labels), number)
            else:
                family.add_metric([], math.nan if value is None else float(value))
            yield family


def scrape_registry(app: Flask) -> CollectorRegistry:
    """Every worker's request metrics (or this process's) plus the app's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Process())
    registry.register(ProvidedGauges(app.extensions.get(EXTENSION, {}).values()))
    return registry


class _Process(Collector):
    """This process's own registry, as one collector of a scrape's registry."""

    def collect(self) -> Iterator[Metric]:
        yield from PROCESS_REGISTRY.collect()


def may_scrape(token: str | None, authorization: str | None, remote_addr: str | None) -> bool:
    """The /metrics permission: the configured bearer token, or, without one, a loopback client."""
    if token:
        offered = (authorization or "").removeprefix("Bearer ").strip()
        return bool(offered) and hmac.compare_digest(offered.encode(), token.encode())
    return (remote_addr or "") in LOOPBACK


def metrics_view() -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    g.skip_request_metrics = True
    token, authorization = app.config.get("METRICS_TOKEN"), request.headers.get("Authorization")
    if not may_scrape(token, authorization, request.remote_addr):
        abort(403)
    return Response(generate_latest(scrape_registry(app)), mimetype=CONTENT_TYPE_LATEST)


def _observe(response: Any) -> Any:
    from covenant_hub.ops.logs import route_label

    started = g.get("request_started")
    if started is not None and not g.get("skip_request_metrics"):
        import time

        route = route_label()
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        LATENCY.labels(route, request.method).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    """Mount /metrics (exempt from CSRF: it is a GET) and count every request."""
    app.add_url_rule("/metrics", "ops.metrics", metrics_view, methods=["GET"])
    app.after_request(_observe)
