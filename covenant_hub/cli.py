"""Commands every deployment needs: create or upgrade the schema, load the demo data."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask_migrate import upgrade

from covenant_hub.locks import singleton


def init_app(app: Flask) -> None:
    """Add `flask init-db`, `flask load-demo` and `flask backup` to the app's CLI."""
    from covenant_hub.backup_cli import backup_cli

    app.cli.add_command(backup_cli)

    @app.cli.command("init-db")
    def init_db_command() -> None:
        """Create or upgrade the schema to the newest migration (safe to run again)."""
        upgrade()
        click.echo("Database schema is up to date.")

    @app.cli.command("load-demo")
    @click.option("--force", is_flag=True, help="Load even when the database already has data.")
    @singleton("import")  # two nodes starting at once must not both load it
    def load_demo_command(force: bool) -> None:
        """Load the GCoM signatories and the sample content when the database is empty."""
        from covenant_hub.demo import load_demo_data

        if not current_app.config["DEMO_DATA"] and not force:
            click.echo("COVENANT_DEMO_DATA=0: demo data not loaded.")
            return
        summary = load_demo_data(force=force)
        click.echo(summary)
