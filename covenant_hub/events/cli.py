"""`flask newsletter build|send`: compose the month's issue in every language, then mail it."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from covenant_hub.events import issues
from covenant_hub.locks import singleton

newsletter_cli = AppGroup("newsletter", help="Compose and send the monthly newsletter.")


@newsletter_cli.command("build")
@click.option("--month", required=True, help="The month of the issue, YYYY-MM.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def build_command(month: str, as_json: bool) -> None:
    """Compose (or recompose, until it is sent) the issue of MONTH in each language."""
    try:
        results = issues.build_month(month)
    except issues.IssueError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps([result.as_dict() for result in results]))
        return
    for result in results:
        click.echo(f"{result.month} {result.language}: {result.items} items ({result.status})")


@newsletter_cli.command("send")
@click.option("--month", required=True, help="The month of the issue, YYYY-MM.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@singleton("newsletter send")
def send_command(month: str, as_json: bool) -> None:
    """Queue the built issue of MONTH for every confirmed subscriber not yet served (the job
    worker sends it, each subscriber once)."""
    # With --json the bar goes to stderr so that stdout stays one JSON document.
    stream = sys.stderr if as_json else None
    try:
        sent = issues.send_month(
            month, lambda pending: click.progressbar(pending, label="Queueing", file=stream)
        )
    except issues.IssueError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps({"month": month, "sent": sent}))
    else:
        click.echo(f"{month}: {sent} messages queued; the job worker sends them.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(newsletter_cli)
