"""RSS 2.0 and Atom for a public group: its latest visible posts, through covenant_hub.feeds."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.wrappers import Response

from covenant_hub.feeds import FeedItem, build_feed, feed_response
from covenant_hub.forum.models import Group
from covenant_hub.forum.queries import recent_posts
from covenant_hub.urls import public_url

SUMMARY_CHARS = 500


def group_feed(group: Group, fmt: str) -> Response:
    items = [
        FeedItem(
            id=public_url("forum.show_thread", thread_id=post.thread_id, _anchor=f"post-{post.id}"),
            title=post.thread.title,
            link=public_url("forum.show_thread", thread_id=post.thread_id, _anchor=f"post-{post.id}"),
            summary=post.body[:SUMMARY_CHARS],
            published=post.created_at,
            author=post.display_name,
        )
        for post in recent_posts(group)
    ]
    body = build_feed(
        feed_id=public_url("forum.show_group", group_id=group.id),
        title=_("%(group)s – Covenant Hub", group=group.title),
        link=public_url("forum.show_group", group_id=group.id),
        self_link=public_url("forum.group_feed", group_id=group.id, fmt=fmt),
        description=group.description or group.title,
        language=group.language,
        items=items,
        fmt=fmt,
    )
    return feed_response(body, fmt, items)
