"""`flask programme ...`: the staff ranking and the application queue from the command line."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from covenant_hub.clock import utcnow
from covenant_hub.programme import applications, dashboard

programme_cli = AppGroup("programme", help="The Covenant Supporter programme.")


@programme_cli.command("ranking")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
def ranking_command(as_json: bool) -> None:
    """Supporters ranked by their logged activity over the last 12 months."""
    rows = dashboard.ranking(utcnow().date())
    for rank, row in enumerate(rows, start=1):
        record = {
            "rank": rank,
            "id": row.org.external_id,
            "name": row.org.name,
            "status": row.org.status,
            "last_12_months": row.last_12,
            "last_24_months": row.last_24,
            "commitments_covered_12_months": row.covered_12,
        }
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(
                f"{rank:>3}  {row.last_12:>4}  {row.last_24:>4}  {row.covered_12}/6  "
                f"{row.org.status or '':<10} {row.org.name}"
            )


@programme_cli.command("applications")
@click.option("--state", default=None, help="Only applications in this state.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
def applications_command(state: str | None, as_json: bool) -> None:
    """The supporter applications, most recently changed first."""
    for item in applications.applications_for_staff(state):
        record = {
            "id": item.id,
            "network": item.network_name,
            "state": item.state,
            "country": item.country,
            "members": item.member_count,
            "updated": item.updated_at.isoformat(),
        }
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(f"{item.id:>5}  {item.state:<20} {item.network_name}")
