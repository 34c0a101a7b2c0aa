"""Agenda (events, master classes, webinars), news, feeds, iCalendar and newsletter."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the pages, the `flask newsletter` commands, the interchange files and the labels."""
    from covenant_hub.events import (  # noqa: F401 - the view modules add their routes to bp
        agenda_views,
        feed_views,
        issues,
        labels,
        news_views,
        newsletter_views,
        queries,
    )
    from covenant_hub.events.blueprint import bp
    from covenant_hub.events.cli import register_cli
    from covenant_hub.jobs.queue import register_periodic

    app.register_blueprint(bp)
    register_cli(app)
    _register_interchange()
    register_periodic(
        app, "newsletter.build", {"minute": "0", "hour": "2", "day": "1"}, issues.build_last_month
    )

    @app.context_processor
    def _event_labels() -> dict[str, object]:
        return {
            "event_labels": labels,
            "organiser_events": queries.events_by_organiser,
            "supporter_events": queries.events_for_supporter,
        }


def _register_interchange() -> None:
    """events.jsonl and news.jsonl join the orgs domain's import/export registry."""
    from covenant_hub.events.interchange import EventsFile, NewsFile
    from covenant_hub.interchange import register_handler

    register_handler(EventsFile())
    register_handler(NewsFile())
