"""Feeds (RSS 2.0 and Atom) for news, the agenda and each supporter; the RSS help page."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from covenant_hub.events import queries, syndication
from covenant_hub.events.blueprint import bp
from covenant_hub.events.models import Event
from covenant_hub.extensions import db
from covenant_hub.feeds import FEED_FORMATS, build_feed, feed_response
from covenant_hub.i18n import current_language
from covenant_hub.orgs.models import Organisation
from covenant_hub.urls import public_url


def _feed(
    fmt: str, feed_id: str, title: str, link: str, items: list, endpoint: str, **values: str
) -> Response:
    if fmt not in FEED_FORMATS:
        abort(404)
    body = build_feed(
        feed_id=feed_id,
        title=title,
        link=link,
        self_link=public_url(endpoint, fmt=fmt, **values),
        description=title,
        language=current_language(),
        items=items,
        fmt=fmt,
    )
    return feed_response(body, fmt, items)


@bp.route("/feeds/news.<fmt>")
def news_feed(fmt: str) -> Response:
    items = syndication.news_feed_items(queries.published_news(limit=syndication.FEED_SIZE))
    return _feed(
        fmt,
        "urn:covenant-hub:news",
        _("Covenant Hub news"),
        public_url("events.list_news"),
        items,
        "events.news_feed",
    )


@bp.route("/feeds/agenda.<fmt>")
def agenda_feed(fmt: str) -> Response:
    items = syndication.event_feed_items(queries.upcoming_events(limit=syndication.FEED_SIZE))
    return _feed(
        fmt,
        "urn:covenant-hub:agenda",
        _("Covenant Hub agenda"),
        public_url("events.list_events"),
        items,
        "events.agenda_feed",
    )


@bp.route("/feeds/supporters/<external_id>.<fmt>")
def supporter_feed(external_id: str, fmt: str) -> Response:
    """One supporter's published news and events, newest first."""
    org = db.session.scalar(
        select(Organisation).where(Organisation.external_id == external_id, Organisation.kind == "supporter")
    )
    if org is None:
        abort(404)
    news = syndication.news_feed_items(queries.published_news(limit=syndication.FEED_SIZE, org_id=org.id))
    events = db.session.scalars(
        queries.published_events()
        .where(Event.organiser_id == org.id)
        .order_by(Event.starts_at.desc())
        .limit(syndication.FEED_SIZE)
    ).unique()
    items = sorted(
        news + syndication.event_feed_items(events), key=lambda item: item.published, reverse=True
    )[: syndication.FEED_SIZE]
    return _feed(
        fmt,
        f"urn:covenant-hub:supporter:{org.external_id}",
        _("%(name)s on Covenant Hub", name=org.name),
        public_url("orgs.view_profile", external_id=org.external_id),
        items,
        "events.supporter_feed",
        external_id=org.external_id,
    )


@bp.route("/rss")
def rss_help() -> str:
    """What feeds are and which ones the site offers."""
    return render_template("events/rss_help.html")
