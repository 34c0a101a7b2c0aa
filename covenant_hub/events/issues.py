"""The monthly newsletter: compose one issue per language, then send each to its subscribers.

Issue YYYY-MM holds what was published during that month (practices and news in the
issue's language, supporters who joined), and the events of the two following months in
any language (a Kyrgyz reader may well attend a Russian-language webinar).
Sending queues a mail delivery and a newsletter delivery row per subscriber in the same
transaction, so a second run, a run beside it, or a run after a crash, queues only what was not
queued yet; the job queue sends each mail once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from covenant_hub.clock import utcnow
from covenant_hub.events import labels
from covenant_hub.events.models import (
    Event,
    NewsItem,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterSubscription,
)
from covenant_hub.events.newsletter import unsubscribe_link
from covenant_hub.extensions import db
from covenant_hub.library.models import Practice
from covenant_hub.mail import send_mail
from covenant_hub.orgs.models import Organisation
from covenant_hub.urls import public_url

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
UNSUBSCRIBE_MARK = "%%UNSUBSCRIBE_URL%%"
SECTION_LIMIT = 20


class IssueError(Exception):
    """A refused build or send, with a message for the operator."""


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = MONTH_RE.match(text or "")
        if not match:
            raise IssueError(_("The month must be written YYYY-MM, for example 2026-11."))
        return cls(int(match.group(1)), int(match.group(2)))

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass
class IssueContent:
    practices: list[Practice] = field(default_factory=list)
    news: list[NewsItem] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    supporters: list[Organisation] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.practices) + len(self.news) + len(self.events) + len(self.supporters)


def collect(month: Month, language: str) -> IssueContent:
    """The rows one language edition of the month's issue is made of."""
    end = month.shift(1)
    practices = (
        select(Practice)
        .where(
            Practice.state == "published",
            Practice.language == language,
            Practice.published >= month.first_day,
            Practice.published < end.first_day,
        )
        .order_by(Practice.published, Practice.id)
        .limit(SECTION_LIMIT)
    )
    news = (
        select(NewsItem)
        .where(
            NewsItem.state == "published",
            NewsItem.language == language,
            NewsItem.published_at >= month.start,
            NewsItem.published_at < end.start,
        )
        .order_by(NewsItem.published_at)
        .limit(SECTION_LIMIT)
    )
    events = (
        select(Event)
        .where(
            Event.state == "published",
            Event.starts_at >= end.start,
            Event.starts_at < month.shift(3).start,
        )
        .order_by(Event.starts_at)
        .limit(SECTION_LIMIT)
    )
    supporters = (
        select(Organisation)
        .where(
            Organisation.kind == "supporter",
            Organisation.joined >= month.first_day,
            Organisation.joined < end.first_day,
        )
        .order_by(Organisation.name)
        .limit(SECTION_LIMIT)
    )
    return IssueContent(
        list(db.session.scalars(practices)),
        list(db.session.scalars(news)),
        list(db.session.scalars(events)),
        list(db.session.scalars(supporters)),
    )


def _links(content: IssueContent) -> dict[str, str]:
    links = {
        f"practice-{p.id}": public_url("library.show_practice", practice_id=p.id) for p in content.practices
    }
    links.update({f"news-{n.id}": public_url("events.show_news", news_id=n.id) for n in content.news})
    links.update({f"event-{e.id}": public_url("events.show_event", event_id=e.id) for e in content.events})
    links.update(
        {
            f"org-{o.id}": public_url("orgs.view_profile", external_id=o.external_id)
            for o in content.supporters
        }
    )
    return links


def compose(month: Month, language: str) -> tuple[str, str, str, int]:
    """(subject, html, text, item count) of one language edition, rendered in that language."""
    content = collect(month, language)
    with force_locale(language):
        context = {
            "content": content,
            "links": _links(content),
            "language": language,
            "month_title": labels.month_title(month.year, month.month, language),
            "unsubscribe_url": UNSUBSCRIBE_MARK,
            "labels": labels,
            "site_url": public_url("site.home"),
        }
        subject = _("Covenant Hub newsletter, %(month)s", month=context["month_title"])
        html = render_template("events/newsletter/issue.html", subject=subject, **context)
        text = render_template("events/newsletter/issue_text.html", subject=subject, **context)
    return subject, html, text, content.count


def _was_sent(issue: NewsletterIssue) -> bool:
    """Whether any delivery exists: one row is enough, the issue may have gone to thousands."""
    return (
        db.session.scalar(
            select(NewsletterDelivery.id).where(NewsletterDelivery.issue_id == issue.id).limit(1)
        )
        is not None
    )


@dataclass
class BuildResult:
    month: str
    language: str
    items: int
    status: str  # "created", "updated" or "kept" (already sent: never rewritten)

    def as_dict(self) -> dict[str, object]:
        return vars(self).copy()


def build_month(month_text: str) -> list[BuildResult]:
    """Compose every language edition of the month; editions already (partly) sent are kept."""
    month = Month.parse(month_text)
    results = []
    for language in current_app.config["LANGUAGES"]:
        issue = db.session.scalar(
            select(NewsletterIssue).where(
                NewsletterIssue.month == str(month), NewsletterIssue.language == language
            )
        )
        if issue is not None and _was_sent(issue):
            results.append(BuildResult(str(month), language, issue.item_count, "kept"))
            continue
        status = "updated" if issue is not None else "created"
        subject, html, text, count = compose(month, language)  # before adding: queries autoflush
        if issue is None:
            issue = NewsletterIssue(month=str(month), language=language)
            db.session.add(issue)
        issue.subject, issue.html, issue.text, issue.item_count = subject, html, text, count
        issue.built_at = utcnow()
        results.append(BuildResult(str(month), language, issue.item_count, status))
    db.session.commit()
    return results


def build_last_month(now: datetime | None = None) -> list[BuildResult]:
    """The periodic job of the 1st: compose the issues of the month that just ended (staff
    review them and send with `flask newsletter send`)."""
    today = (now or utcnow()).astimezone(UTC).date()
    return build_month(str(Month(today.year, today.month).shift(-1)))


def pending_deliveries(month_text: str) -> list[tuple[NewsletterIssue, NewsletterSubscription]]:
    """(issue, subscriber) pairs still to send: active subscribers with no delivery yet."""
    month = Month.parse(month_text)
    issues = db.session.scalars(
        select(NewsletterIssue).where(NewsletterIssue.month == str(month)).order_by(NewsletterIssue.language)
    ).all()
    if not issues:
        raise IssueError(_("No issue for %(month)s: build it first.", month=str(month)))
    pairs = []
    for issue in issues:
        done = set(
            db.session.scalars(
                select(NewsletterDelivery.subscription_id).where(NewsletterDelivery.issue_id == issue.id)
            )
        )
        subscribers = db.session.scalars(
            select(NewsletterSubscription)
            .where(
                NewsletterSubscription.language == issue.language, NewsletterSubscription.status == "active"
            )
            .order_by(NewsletterSubscription.id)
        )
        pairs.extend((issue, row) for row in subscribers if row.id not in done)
    return pairs


def deliver(issue: NewsletterIssue, row: NewsletterSubscription) -> bool:
    """Queue one issue for one subscriber, with the one-click unsubscribe headers, in the current
    transaction; False when another send already queued it (the delivery key is unique)."""
    link = unsubscribe_link(row)
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Content-Language": issue.language,
    }
    queued = send_mail(
        row.email,
        issue.subject,
        issue.text.replace(UNSUBSCRIBE_MARK, link),
        issue.html.replace(UNSUBSCRIBE_MARK, link),
        headers=headers,
        key=f"newsletter:{issue.id}:{row.id}",
        kind="newsletter",
    )
    if queued is None:
        return False
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(NewsletterDelivery)
        .values(issue_id=issue.id, subscription_id=row.id, sent_at=utcnow())
        .on_conflict_do_nothing(index_elements=["issue_id", "subscription_id"])
    )
    issue.sent_at = issue.sent_at or utcnow()
    return True


def send_month(
    month_text: str, progress: Callable[[list], AbstractContextManager[Iterable]] = nullcontext
) -> int:
    """Queue what is pending for the month, a batch per commit; returns how many were queued.

    The job queue sends each committed batch over one SMTP connection. Two sends running at
    once queue each subscriber once: the second finds the delivery key taken.
    `progress` wraps the pending list (the CLI passes click.progressbar).
    """
    pending = pending_deliveries(month_text)
    batch, queued = int(current_app.config.get("JOBS_BATCH", 100)), 0
    with progress(pending) as items:
        for position, (issue, row) in enumerate(items, start=1):
            queued += deliver(issue, row)
            if position % batch == 0:
                db.session.commit()
    db.session.commit()
    return queued


def preview(body: str) -> str:
    """A stored issue body (HTML or text) with a harmless placeholder where each reader's link will go."""
    return body.replace(UNSUBSCRIBE_MARK, "#unsubscribe")
