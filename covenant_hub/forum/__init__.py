"""Discussion groups: forums, master classes and discussion groups, with moderation."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount /forum, its labels, commands and interchange files."""
    from covenant_hub.forum import cli, moderation_views  # noqa: F401  (routes on bp)
    from covenant_hub.forum.labels import register_labels
    from covenant_hub.forum.views import bp

    app.register_blueprint(bp)
    register_labels(app)
    cli.register_cli(app)
    _register_interchange()


def _register_interchange() -> None:
    """groups.jsonl and threads.jsonl join the orgs domain's import/export registry."""
    from covenant_hub.forum.interchange import GroupsFile, ThreadsFile
    from covenant_hub.interchange import register_handler

    register_handler(GroupsFile())
    register_handler(ThreadsFile())
