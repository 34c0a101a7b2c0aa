"""Two gunicorn nodes on one PostgreSQL, sharing a Redis for the rate limits and an S3 server
for the files (both started by the test suite), through HTTP and the CLI only: what one node
counts, stores, tunes or sends holds on the other."""

from __future__ import annotations

import json
import threading
import urllib.parse
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench.livesite import PASSWORD, Client
from tests.cluster.harness import STAFF_EMAIL, Node, Nodes, login, wait_for
from tests.servers import S3_TEST_SETTINGS, create_bucket

LOGIN_FAILURES = 3
SUBSCRIBERS = 30
MONTH = "2026-11"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 600 + b"\n%%EOF"  # ~150 kB, every byte value


@pytest.fixture(scope="module")
def cluster_shared_settings(redis_url: str, s3_endpoint: str) -> dict[str, Any]:
    """Every node: one Redis for the limits, one bucket for the files."""
    bucket = f"cluster-{uuid.uuid4().hex[:12]}"
    create_bucket(s3_endpoint, bucket)
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"cluster-{uuid.uuid4().hex}",
        "RATELIMIT_LOGIN": "1000 per minute",
        "RATELIMIT_LOGIN_FAILURES_PER_CLIENT": f"{LOGIN_FAILURES} per hour",
        **S3_TEST_SETTINGS,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_BUCKET": bucket,
    }


@pytest.fixture(scope="module")
def world(cluster_nodes: Nodes) -> Iterator[dict[str, Any]]:
    """Rows the tests start from, written once through the app (setup, not under test)."""
    from covenant_hub import create_app
    from covenant_hub.accounts.models import User
    from covenant_hub.events.models import NewsletterSubscription
    from covenant_hub.extensions import db
    from covenant_hub.orgs.models import Organisation
    from tests.factories import make_link, make_news, make_org, make_practice

    app = create_app({**cluster_nodes.a.config, "SEARCH_WORKER": "off"})
    with app.app_context():
        s = make_org(kind="supporter", name="Bishkek network", external_id="net-bishkek", country="kg")
        t = make_org(kind="supporter", name="Osh network", external_id="net-osh", country="kg")
        for i in range(3):
            make_link(make_org(lat=42.89 + 0.02 * i, lon=74.59, joined=date(2012, 1, 1)), s)
            make_link(make_org(lat=40.53 + 0.02 * i, lon=72.80, joined=date(2012, 1, 1)), t)
        make_org(external_id="city-new", name="Newcomer", lat=42.88, lon=74.59, joined=date(2017, 1, 1))
        author = db.session.query(User).filter_by(email=cluster_nodes.posters[0].email).one()
        town = db.session.query(Organisation).filter_by(external_id="battery-org").one()
        draft = make_practice(town, state="draft", published=None, author_id=author.id)
        make_news(s, title="November news", language="en", published_at=datetime(2026, 11, 5, tzinfo=UTC))
        for n in range(SUBSCRIBERS):
            reader = NewsletterSubscription(email=f"reader{n}@example.org", language="en", status="active")
            reader.confirmed_at = datetime.now(UTC)
            db.session.add(reader)
        db.session.commit()
        found = {"practice_id": draft.id, "author": author.email}
        db.engine.dispose()
    yield found


def _fail_login(node: Node, email: str) -> int:
    client = Client(node.url)
    token = client.token("/account/login")
    return client.post(
        "/account/login", {"csrf_token": token, "email": email, "password": "wrong-" + PASSWORD}
    ).status


def test_a_failed_login_limit_of_three_holds_across_both_nodes(nodes: Nodes) -> None:
    email = nodes.posters[2].email
    codes = [_fail_login(node, email) for node in (nodes.a, nodes.b, nodes.a, nodes.b, nodes.a)]
    assert codes == [200] * LOGIN_FAILURES + [429, 429], "three failures in all, whichever node answered"


def _upload(client: Client, practice_id: int, name: str, data: bytes) -> int:
    path = f"/practices/{practice_id}"
    token = client.token(path + "/edit")
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    return client.request(path + "/attachments", data=body, headers=headers).status


def _download(client: Client, attachment_id: int) -> tuple[int, bytes, dict[str, str]]:
    import urllib.request

    request = urllib.request.Request(f"{client.base}/practices/attachments/{attachment_id}")
    try:
        with client.opener.open(request, timeout=client.timeout) as response:  # noqa: S310 - loopback
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, b"", {}


def test_an_attachment_uploaded_on_a_downloads_from_b_byte_for_byte(
    nodes: Nodes, world: dict[str, Any]
) -> None:
    assert _upload(login(nodes.a, world["author"]), world["practice_id"], "plan.pdf", PDF) == 302
    with psycopg.connect(nodes.database_url) as connection:
        (attachment_id,) = connection.execute("SELECT max(id) FROM practice_attachments").fetchone()
    status, body, headers = _download(login(nodes.b, world["author"]), attachment_id)
    assert status == 200 and body == PDF
    assert headers["Content-Disposition"].startswith("attachment")
    on_disk = [path for node in nodes.nodes for path in Path(node.config["ATTACHMENTS_DIR"]).glob("**/*.pdf")]
    assert on_disk == [], "the file went to the bucket, not to a node's disk"


def _ranking(node: Node, client: Client) -> list[str]:
    query = urllib.parse.urlencode({"kind": "supporter", "top": 5})
    answer = client.get(f"/api/v1/orgs/city-new/recommendations?{query}")
    assert answer.status == 200, answer.body[:500]
    return [item["id"] for item in json.loads(answer.body)["items"]]


def test_a_weights_change_on_a_ranks_the_same_on_b_after_match_rebuild(
    nodes: Nodes, world: dict[str, Any], tmp_path: Path
) -> None:
    from covenant_hub.matching.engine.model import load_weights, save_weights

    staff = {node.name: login(node, STAFF_EMAIL) for node in nodes.nodes}
    assert wait_for(lambda: _ranking(nodes.a, staff["node-a"])[:1] == ["net-bishkek"], 10) is not None
    before = _ranking(nodes.b, staff["node-b"])
    assert before[0] == "net-bishkek"
    weights = load_weights()
    profile = weights["profiles"]["network"]["supporter"]
    profile.update(dict.fromkeys(profile, 0.0))
    profile["vote_near"] = -1.0  # what the nearest cities did NOT choose first
    save_weights(weights, tmp_path / "weights.json")
    done = nodes.a.cli("match", "weights", "set", str(tmp_path / "weights.json"), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    done = nodes.a.cli("match", "rebuild", "--json")
    assert done.returncode == 0, done.stderr[-2000:]

    def both_changed() -> bool:
        return all(_ranking(node, staff[node.name])[0] == "net-osh" for node in nodes.nodes)

    assert wait_for(both_changed, 10) is not None, "a node still ranks with the old weights"
    # every worker of both nodes (requests land on any of them) answers the same
    rankings = {tuple(_ranking(node, staff[node.name])) for node in nodes.nodes for _ in range(6)}
    assert len(rankings) == 1 and next(iter(rankings)) != tuple(before)


def _outbox(node: Node) -> list[Path]:
    return sorted(Path(node.config["MAIL_OUTBOX"]).glob("*.eml"))


def test_two_concurrent_newsletter_sends_deliver_each_mail_exactly_once(
    nodes: Nodes, world: dict[str, Any]
) -> None:
    built = nodes.a.cli("newsletter", "build", "--month", MONTH, "--json")
    assert built.returncode == 0, built.stderr[-2000:]
    before = {node.name: len(_outbox(node)) for node in nodes.nodes}
    results: dict[str, Any] = {}
    start = threading.Barrier(2)

    def send(node: Node) -> None:
        start.wait(timeout=60)
        results[node.name] = node.cli("newsletter", "send", "--month", MONTH, "--json")

    threads = [threading.Thread(target=send, args=(node,)) for node in nodes.nodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    codes = sorted(result.returncode for result in results.values())
    refused = [result for result in results.values() if result.returncode != 0]
    assert all("already running" in result.stderr for result in refused), [r.stderr[-500:] for r in refused]
    assert codes in ([0, 0], [0, 1])
    for node in nodes.nodes:  # the sends queued the mail; a worker on each node sends it
        drained = node.cli("jobs", "run-once", "--json")
        assert drained.returncode == 0, drained.stderr[-2000:]
    sent = sum(len(_outbox(node)) - before[node.name] for node in nodes.nodes)
    assert sent == SUBSCRIBERS
    recipients = []
    for node in nodes.nodes:
        for path in _outbox(node):
            text = path.read_text(errors="replace")
            recipients += [
                line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("To:")
            ]
    assert sorted(recipients) == sorted(f"reader{n}@example.org" for n in range(SUBSCRIBERS))
    with psycopg.connect(nodes.database_url) as connection:
        (deliveries,) = connection.execute("SELECT count(*) FROM newsletter_deliveries").fetchone()
    assert deliveries == SUBSCRIBERS
