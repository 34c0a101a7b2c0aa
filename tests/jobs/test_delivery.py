"""Mail through the job queue against a local SMTP sink: nothing lost, nothing sent twice."""

from __future__ import annotations

import socket
from datetime import timedelta

from sqlalchemy import select, update

from covenant_hub.accounts.notifications import NotificationInput, notify
from covenant_hub.clock import utcnow
from covenant_hub.events import issues
from covenant_hub.extensions import db
from covenant_hub.jobs import delivery
from covenant_hub.jobs.models import MailDelivery
from covenant_hub.mail import send_mail
from tests.factories import make_user
from tests.jobs.newsletter_race import MONTH, issue_with_subscribers, send_twice_at_once

LATER = timedelta(days=1)


def _queue(count: int, prefix: str = "person") -> list[str]:
    addresses = [f"{prefix}{n}@example.org" for n in range(count)]
    for address in addresses:
        send_mail(address, "Hello", f"Hello {address}", key=f"test:{address}", kind="test")
    db.session.commit()
    return addresses


def _states() -> dict[str, int]:
    db.session.expire_all()
    found = {state: n for state, n in delivery.counts().items() if n}
    db.session.commit()  # outside a request every transaction takes SQLite's write lock: end it
    return found


def _work(queue, now=None) -> int:
    """The in-test worker: end the test's own transaction, then run the jobs due at `now`."""
    db.session.commit()
    return queue.run_pending(now)


def test_queued_mail_waits_for_the_worker_then_goes_once(app, sink, queue):
    addresses = _queue(3)
    assert sink.recorder.messages == []  # the commit only queued
    assert _states() == {"queued": 3}
    assert _work(queue) == 1  # one job for the committed batch
    assert sink.recorder.recipients() == addresses
    assert len(sink.recorder.sessions) == 1  # one SMTP connection for the whole batch
    assert _states() == {"sent": 3}


def test_a_retry_of_the_same_rows_sends_nothing_again(app, sink, queue):
    _queue(2)
    ids = list(db.session.scalars(select(MailDelivery.id)))
    _work(queue)
    assert delivery.deliver_batch(ids) == 0
    queue.enqueue(delivery.DELIVER_JOB, ids)
    _work(queue)
    assert delivery.relay(utcnow() + LATER) == 0
    assert len(sink.recorder.messages) == 2


def test_queuing_the_same_key_twice_queues_it_once(app, sink, queue):
    assert send_mail("a@example.org", "One", "body", key="same") is not None
    assert send_mail("a@example.org", "One", "body", key="same") is None
    db.session.commit()
    _work(queue)
    assert sink.recorder.recipients() == ["a@example.org"]


def test_the_mail_server_stops_mid_send_and_nothing_is_lost_or_doubled(app, sink, queue):
    """The sink refuses the 4th message of a batch of 10 and goes down; while it is down a retry
    fails too; once it is back every message arrives exactly once."""
    users = [make_user(email=f"reader{n}@example.org") for n in range(10)]
    notify([NotificationInput(u.id, "mention", "Aida", "Heat pumps", "/forum/t/1") for u in users])
    sink.recorder.refuse_at = 4
    _work(queue)
    sink.stop()
    assert len(sink.recorder.messages) == 3
    assert _states() == {"sent": 3, "queued": 7}
    failed_once = db.session.scalars(select(MailDelivery).where(MailDelivery.state == "queued")).all()
    assert {row.attempts for row in failed_once} == {1} and all(
        "421" in row.last_error for row in failed_once
    )
    db.session.commit()

    # Still down: the retry (due by huey's schedule and by the relay) cannot connect.
    later = utcnow() + LATER
    delivery.relay(later)
    _work(queue, later)
    assert _states() == {"sent": 3, "queued": 7}

    sink.recorder.refuse_at = None
    sink.start()
    much_later = later + LATER
    delivery.relay(much_later)
    _work(queue, much_later)
    assert _states() == {"sent": 10}
    assert sink.recorder.recipients() == sorted(u.email for u in users)  # each once, none lost


def test_a_page_that_mails_answers_while_smtp_is_unreachable(app, client, sink_port, queue):
    """The forgotten-password page with a mail server that accepts connections and never
    answers: the page answers at once (it only queued), the job stays queued."""
    make_user(email="forgot@example.org")
    with socket.socket() as blackhole:
        blackhole.bind(("127.0.0.1", sink_port))
        blackhole.listen(1)
        blackhole.setblocking(False)
        response = client.post("/account/forgot", data={"email": "forgot@example.org"})
        assert response.status_code in (200, 302)
        try:
            blackhole.accept()
            connected = True
        except BlockingIOError:
            connected = False
    assert connected is False  # the request never opened an SMTP connection
    assert _states() == {"queued": 1}
    assert queue.depth() == 1  # the job waits for a worker


def test_mail_to_an_unreachable_server_stays_queued_then_goes(app, sink_port, queue):
    from tests.jobs.conftest import Sink

    _queue(1)
    _work(queue)  # nothing listens on the port: connection refused
    row = db.session.scalars(select(MailDelivery)).one()
    assert (row.state, row.attempts) == ("queued", 1) and row.last_error
    server = Sink(sink_port)
    server.start()
    try:
        _work(queue, utcnow() + LATER)
    finally:
        server.stop()
    assert server.recorder.recipients() == ["person0@example.org"]
    assert _states() == {"sent": 1}


def test_after_the_last_attempt_the_row_fails_and_staff_can_retry(app, sink_port, queue):
    from tests.jobs.conftest import Sink

    app.config["JOBS_MAIL_ATTEMPTS"] = 1
    _queue(1)
    _work(queue)
    assert _states() == {"failed": 1}
    assert delivery.queue_health()["failed"] == 1
    server = Sink(sink_port)
    server.start()
    try:
        assert delivery.retry() == 1
        _work(queue)
    finally:
        server.stop()
    assert server.recorder.recipients() == ["person0@example.org"]
    assert _states() == {"sent": 1}


def test_a_claim_nobody_confirmed_fails_and_is_never_resent_by_itself(app, sink, queue):
    _queue(1)
    long_ago = utcnow() - timedelta(hours=2)
    db.session.execute(update(MailDelivery).values(state="sending", claimed_at=long_ago))
    db.session.commit()
    _work(queue)  # the job finds nothing to claim
    delivery.relay()
    row = db.session.scalars(select(MailDelivery)).one()
    db.session.refresh(row)
    assert row.state == "failed" and "interrupted" in row.last_error
    assert sink.recorder.messages == []


def test_two_newsletter_sends_at_once_reach_each_subscriber_once(app, sink, queue):
    emails = issue_with_subscribers(30)
    assert sum(send_twice_at_once(app)) == 30
    _work(queue)
    assert sink.recorder.recipients() == sorted(emails)
    assert all(m["List-Unsubscribe"].startswith("<http") for m in sink.recorder.messages)
    assert issues.send_month(MONTH) == 0
