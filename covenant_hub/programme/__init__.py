"""The Covenant Supporter programme: expression of interest, eligibility review, agreement,
activation, services, commitments log, official feedback, suspension, audit trail."""

from __future__ import annotations

from typing import Any

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount /programme, the CLI, and the helpers the orgs templates' include hooks call."""
    from flask_login import current_user

    from covenant_hub.programme import labels, publicity, supporter_views, views  # noqa: F401  (their routes on bp)
    from covenant_hub.programme.blueprint import bp
    from covenant_hub.programme.cli import programme_cli
    from covenant_hub.programme.notify import register_describers
    from covenant_hub.vocabularies import language_name

    app.register_blueprint(bp)
    app.cli.add_command(programme_cli)
    register_describers()

    @app.context_processor
    def _programme_hooks() -> dict[str, Any]:
        return {
            "programme_profile": lambda org: publicity.profile_section(current_user, org),
            "programme_service_types": publicity.service_types_of,
            "programme_labels": labels,
            "programme_languages": lambda codes: ", ".join(language_name(code) for code in codes or ()),
        }
