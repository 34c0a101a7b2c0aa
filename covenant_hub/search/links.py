"""Where each search hit leads: the page of the record behind its key."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.search.engine.results import SearchHit


def _post_threads(hits: list[SearchHit]) -> dict[int, int]:
    from covenant_hub.forum.models import Post

    ids = [int(h.key.partition(":")[2]) for h in hits if h.type == "post"]
    if not ids:
        return {}
    rows = db.session.execute(select(Post.id, Post.thread_id).where(Post.id.in_(ids)))
    return {post_id: thread_id for post_id, thread_id in rows}


def hit_urls(hits: Iterable[SearchHit]) -> dict[str, str]:
    """Key -> URL for a page of hits (one query for the posts' threads)."""
    hits = list(hits)
    threads = _post_threads(hits)
    urls: dict[str, str] = {}
    for hit in hits:
        raw = hit.key.partition(":")[2]
        if not raw.isdigit():
            continue
        number = int(raw)
        if hit.type == "practice":
            urls[hit.key] = url_for("library.show_practice", practice_id=number)
        elif hit.type == "organisation":
            urls[hit.key] = url_for("orgs.view_profile", external_id=hit.ext_id)
        elif hit.type == "event":
            urls[hit.key] = url_for("events.show_event", event_id=number)
        elif hit.type == "news":
            urls[hit.key] = url_for("events.show_news", news_id=number)
        elif hit.type == "thread":
            urls[hit.key] = url_for("forum.show_thread", thread_id=number)
        elif hit.type == "post" and number in threads:
            urls[hit.key] = url_for("forum.show_thread", thread_id=threads[number], _anchor=f"post-{number}")
    return urls
