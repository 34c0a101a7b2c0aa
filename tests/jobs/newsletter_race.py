"""Two `newsletter send` runs at once, for the SQLite and the PostgreSQL job-queue tests."""

from __future__ import annotations

import threading

from flask import Flask

from covenant_hub.events import issues
from covenant_hub.events.models import NewsletterIssue, NewsletterSubscription
from covenant_hub.extensions import db

MONTH = "2026-11"


def issue_with_subscribers(count: int) -> list[str]:
    """A Russian issue of MONTH and `count` active subscribers; returns their addresses."""
    mark = issues.UNSUBSCRIBE_MARK
    db.session.add(NewsletterIssue(month=MONTH, language="ru", subject="Новости", html=mark, text=mark))
    emails = [f"sub{n}@example.org" for n in range(count)]
    for email in emails:
        db.session.add(NewsletterSubscription(email=email, language="ru", status="active"))
    db.session.commit()
    return emails


def send_twice_at_once(app: Flask) -> list[int]:
    """What each of two simultaneous sends of MONTH queued; an error in either is raised here."""
    start = threading.Barrier(2)
    queued: list[int] = []
    errors: list[BaseException] = []

    def send() -> None:
        with app.app_context():
            try:
                start.wait()
                queued.append(issues.send_month(MONTH))
            except BaseException as error:  # reported below, not lost in the thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return queued
