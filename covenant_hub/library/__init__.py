"""Best-practice library: write-ups, review and publishing, related practices, attachments."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount /practices, its exports, its template helpers and its interchange file."""
    from covenant_hub.i18n import current_language
    from covenant_hub.library import (
        export_views,  # noqa: F401  (routes on the library blueprint)
        labels,
    )
    from covenant_hub.library.queries import published_practices_of
    from covenant_hub.library.views import bp
    from covenant_hub.vocabularies import country_name

    app.register_blueprint(bp)
    _register_interchange()

    @app.context_processor
    def _library_labels() -> dict[str, object]:
        return {
            "sector_label": labels.sector_label,
            "format_figure": labels.format_figure,
            "format_day": labels.format_day,
            "language_label": labels.language_label,
            "country_name": country_name,
            "state_labels": labels.STATE_LABELS,
            "result_labels": labels.RESULT_LABELS,
            "kind_labels": labels.KIND_LABELS,
            "sector_choices": labels.sector_choices(),
            "language_choices": labels.LANGUAGE_CHOICES,
            # An organisation's profile lists its practices: the library fills that in.
            "org_practices": lambda org: published_practices_of(org.id, reader_language=current_language()),
        }


def _register_interchange() -> None:
    """practices.jsonl joins the orgs domain's import/export registry."""
    from covenant_hub.interchange import register_handler
    from covenant_hub.library.interchange import PracticesFile

    register_handler(PracticesFile())
