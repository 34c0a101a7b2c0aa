"""The job queue on PostgreSQL: huey's tables in the site's own database, and two newsletter
sends at once reaching each subscriber once."""

from __future__ import annotations

from typing import Any

import pytest

from covenant_hub.extensions import db
from covenant_hub.jobs import delivery
from covenant_hub.jobs.queue import get_queue
from covenant_hub.mail import send_mail
from tests.accounts.helpers import read_mails
from tests.jobs.newsletter_race import issue_with_subscribers, send_twice_at_once


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "JOBS_IMMEDIATE": False, "JOBS_BACKEND": ""}  # "": postgres, chosen from the URL


def test_the_queue_lives_in_the_sites_database(app, outbox):
    queue = get_queue(app)
    assert type(queue.huey).__name__ == "PostgresHuey"
    for n in range(3):
        send_mail(f"p{n}@example.org", "Hi", "body", key=f"pg:{n}")
    db.session.commit()
    assert queue.depth() == 1
    assert queue.run_pending() == 1
    assert sorted(str(m["To"]) for m in read_mails(outbox)) == [f"p{n}@example.org" for n in range(3)]
    assert delivery.counts()["sent"] == 3


def test_two_newsletter_sends_at_once_on_postgres(app, outbox):
    emails = issue_with_subscribers(20)
    assert sum(send_twice_at_once(app)) == 20
    get_queue(app).run_pending()
    assert sorted(str(m["To"]) for m in read_mails(outbox)) == sorted(emails)
