"""`flask jobs ...` and the periodic jobs each domain registers on the queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from covenant_hub.events import issues
from covenant_hub.events.models import NewsletterIssue
from covenant_hub.extensions import db
from covenant_hub.jobs.queue import backend_of
from covenant_hub.mail import send_mail


def test_status_relay_and_retry_print_json(app, runner, queue):
    send_mail("a@example.org", "Hi", "body", key="cli:1")
    db.session.commit()
    status = json.loads(runner.invoke(args=["jobs", "status", "--json"]).output)
    assert (status["queued"], status["jobs_waiting"], status["backend"]) == (1, 1, "memory")
    relay = runner.invoke(args=["jobs", "relay", "--json"])
    assert json.loads(relay.output) == {"handed_over": 1}
    retry = runner.invoke(args=["jobs", "retry", "--json"])
    assert json.loads(retry.output) == {"queued_again": 0}


def test_run_once_sends_what_waits_and_exits(app, runner, queue, sink):
    send_mail("a@example.org", "Hi", "body", key="cli:once")
    db.session.commit()
    done = json.loads(runner.invoke(args=["jobs", "run-once", "--json"]).output)
    assert done["jobs_ran"] >= 1 and (done["queued"], done["sent"]) == (0, 1)
    again = json.loads(runner.invoke(args=["jobs", "run-once", "--json"]).output)
    assert (again["jobs_ran"], again["sent"]) == (0, 1) and len(sink.recorder.messages) == 1  # once


def test_every_periodic_job_is_registered(app, queue):
    assert set(queue.periodic_names) == {
        "mail.relay",
        "digest.daily",
        "digest.weekly",
        "newsletter.build",
        "match.prune_changes",
        "search.check_index",
    }


def _due(queue, moment: datetime) -> set[str]:
    """The periodic jobs the consumer would start at `moment` (huey's own schedule check)."""
    return {task.name for task in queue.huey.read_periodic(moment)}


def test_the_schedules(app, queue):
    assert _due(queue, datetime(2026, 12, 1, 2, 0)) == {"mail.relay", "newsletter.build"}
    assert _due(queue, datetime(2026, 12, 2, 2, 0)) == {"mail.relay"}
    assert _due(queue, datetime(2026, 12, 7, 6, 0)) == {
        "mail.relay",
        "digest.daily",
        "digest.weekly",
    }  # a Monday
    assert _due(queue, datetime(2026, 12, 8, 6, 0)) == {"mail.relay", "digest.daily"}


def test_the_newsletter_is_built_on_the_first_for_the_month_that_ended(app):
    first = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    results = issues.build_last_month(first)
    assert {r.month for r in results} == {"2026-11"}
    assert db.session.query(NewsletterIssue).filter_by(month="2026-11").count() == len(results)


def test_the_backend_follows_the_settings():
    assert backend_of({"DATABASE_URL": "sqlite:///x.db"}) == "sqlite"
    assert backend_of({"DATABASE_URL": "postgresql://db/hub"}) == "postgres"
    assert backend_of({"DATABASE_URL": "postgresql://db/hub", "JOBS_REDIS_URL": "redis://r"}) == "redis"
    assert backend_of({"JOBS_BACKEND": "memory", "JOBS_REDIS_URL": "redis://r"}) == "memory"


def test_a_periodic_job_running_on_another_node_makes_this_run_skip(app, queue):
    """Every node's consumer schedules the periodic jobs; the job's cluster-wide lock lets one run."""
    from covenant_hub.locks import job_lock

    ran = []
    queue.periodic("test.once", {"minute": "0"}, lambda: ran.append(1) or "done")
    task = queue.tasks["test.once"]
    with job_lock("periodic-test.once"):  # another node is running it
        assert task.call_local() is None and ran == []
    assert task.call_local() == "done" and ran == [1]
