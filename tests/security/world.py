"""A small site with something private in every domain, and the URL of every GET route in it.

The crawl tests walk the whole URL map with these values, so a route added later is visited
too (a route whose arguments we cannot fill fails `test_every_get_route_is_crawled`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from covenant_hub.accounts import api_tokens
from covenant_hub.events.models import NewsletterIssue
from covenant_hub.extensions import db
from covenant_hub.library.models import Attachment
from covenant_hub.programme import agreement_files
from covenant_hub.storage import get_store
from tests.factories import (
    make_event,
    make_group,
    make_group_member,
    make_news,
    make_practice,
    make_supporter_application,
    make_thread,
    make_user,
)
from tests.matching.test_workflow_permissions import World as MatchingWorld

PDF = b"%PDF-1.4\n%secret agreement\n"
STAFF_PAGES = (
    "/matching/staff",
    "/staff/organisations",
    "/staff/claims",
    "/programme/applications",
    "/programme/audit",
    "/forum/log",
    "/news/drafts",
    "/newsletter/issues",
    "/practices/review",
    "/programme/supporters/ranking",
    "/forum/suspensions",
    "/events/new",
    "/news/new",
    "/forum/new",
)
# In every private record, and in no public one: no page an outsider gets may contain it.
SECRETS = ("secret draft zebra", "zebra summary", "secret thread zebra", "zebra network", "zebra motivation")


class SecurityWorld(MatchingWorld):
    """The matching world (orgs, a request, invitations) plus drafts, a members-only group,
    an application with its signed agreement, a newsletter issue and public content."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.outsider = make_user(name="Outsider")
        self.author = self.users["member"]
        self.draft = make_practice(
            org=self.city,
            state="draft",
            published=None,
            author_id=self.author.id,
            title="Secret draft zebra",
            summary="zebra summary",
        )
        self.public_practice = make_practice(org=self.city, title="Public practice")
        self.attachment = self._attach(app)
        self.group = make_group(visibility="members", join_policy="approval", title="Closed group")
        make_group_member(self.group, self.author)
        self.thread = make_thread(self.group, author=self.author, title="Secret thread zebra")
        self.public_group = make_group()
        self.public_thread = make_thread(self.public_group, author=self.author)
        self.other_moderator = make_group_member(
            self.public_group, make_user(name="Other moderator"), moderator=True
        )
        self.applicant = make_user()
        self.application = make_supporter_application(
            self.applicant, network_name="Zebra network", motivation="zebra motivation"
        )
        self._store_agreement()
        self.event = make_event(organiser=self.city)
        self.news = make_news()
        self.api_token = api_tokens.create_token(self.author, "author's script", write=True, days=30).token
        self.issue = NewsletterIssue(
            month="2026-10", language="en", subject="Issue", html="<p>x</p>", text="x"
        )
        db.session.add(self.issue)
        db.session.commit()

    def _attach(self, app: Flask) -> Attachment:
        get_store().save("attachments", "0123abcd.pdf", PDF, "application/pdf")
        attachment = Attachment(
            practice_id=self.draft.id,
            filename="plan.pdf",
            content_type="application/pdf",
            size=len(PDF),
            stored_name="0123abcd.pdf",
            uploaded_by_id=self.author.id,
        )
        db.session.add(attachment)
        db.session.commit()
        return attachment

    def _store_agreement(self) -> None:
        get_store().save(agreement_files.AREA, "feedbeef.pdf", PDF, "application/pdf")
        self.application.agreement_stored_name = "feedbeef.pdf"
        self.application.agreement_file_name = "agreement.pdf"
        db.session.commit()

    def first_post_id(self, thread: Any) -> int:
        from sqlalchemy import select

        from covenant_hub.forum.models import Post

        return db.session.scalar(select(Post.id).where(Post.thread_id == thread.id).order_by(Post.id))

    def private_urls(self) -> dict[str, str]:
        """Pages an outsider (logged in, no role, no membership) must not get."""
        post_id = self.first_post_id(self.thread)
        return {
            "draft": f"/practices/{self.draft.id}",
            "draft edit": f"/practices/{self.draft.id}/edit",
            "draft attachment": f"/practices/attachments/{self.attachment.id}",
            "members-only thread": f"/forum/t/{self.thread.id}",
            "members-only post edit": f"/forum/p/{post_id}/edit",
            "members-only post history": f"/forum/p/{post_id}/history",
            "members-only group feed": f"/forum/g/{self.group.id}/feed.rss",
            "members-only thread api": f"/api/v1/threads/{self.thread.external_id}",
            "application": f"/programme/applications/{self.application.id}",
            "agreement": f"/programme/applications/{self.application.id}/agreement.pdf",
            "match request": f"/matching/requests/{self.request.id}",
            "match request api": f"/api/v1/match-requests/{self.request.id}",
            "invitation": f"/matching/invitations/{self.pending.id}",
            "recommendations": f"/matching/orgs/{self.city.external_id}/recommendations",
            "recommendations api": f"/api/v1/orgs/{self.city.external_id}/recommendations?kind=supporter",
            "newsletter issue": "/newsletter/issues/2026-10/en.html",
            "newsletter issue text": "/newsletter/issues/2026-10/en.txt",
            "org edit": f"/orgs/{self.city.external_id}/edit",
            "dashboard": f"/programme/supporters/{self.supporter.external_id}/dashboard",
            "supporter services": f"/programme/supporters/{self.supporter.external_id}/services",
            "supporter suspension": f"/programme/supporters/{self.supporter.external_id}/suspension",
            "member feedback": f"/programme/feedback/{self.city.external_id}",
            "event edit": f"/events/{self.event.id}/edit",
            "news edit": f"/news/{self.news.id}/edit",
            "group moderation": f"/forum/g/{self.group.id}/moderation",
            **{f"staff page {path}": path for path in STAFF_PAGES},
        }

    def arguments(self) -> dict[str, Any]:
        """A value for every URL argument name used by the routes."""
        return {
            "practice_id": self.draft.id, "attachment_id": self.attachment.id, "group_id": self.group.id,
            "thread_id": self.thread.id, "post_id": self.first_post_id(self.thread),
            "event_id": self.event.id,
            "news_id": self.news.id, "request_id": self.request.id, "invitation_id": self.pending.id,
            "application_id": self.application.id, "external_id": self.city.external_id, "fmt": "rss",
            "year": 2026, "month": "2026-10", "language": "en", "section": "orgs", "page": 1,
            "token": "not-a-token", "filename": "css/site.css", "user_id": self.author.id,
            "service_id": 1, "suspension_id": 1, "token_id": self.api_token.id, "org_id": self.city.id,
        }  # fmt: skip
