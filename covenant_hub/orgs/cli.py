"""`flask import-data`, `flask export-data` and `flask import-gcom`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from covenant_hub.locks import singleton


@contextmanager
def _bar(items: list[Any], label: str) -> Iterator[Iterable[Any]]:
    """A click progress bar on stderr, so `--json` output stays clean on stdout."""
    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield bar


def _quiet(items: list[Any], _label: str) -> Any:
    from contextlib import nullcontext

    return nullcontext(items)


@click.command("import-data")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Report bad lines and keep the good ones.")
@click.option("--ignore-unknown", is_flag=True, help="Accept (and drop) fields the format does not know.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@singleton("import")
def import_data_command(folder: Path, skip_invalid: bool, ignore_unknown: bool, as_json: bool) -> None:
    """Import a data set folder in the interchange format (one transaction)."""
    from covenant_hub.interchange import ImportOptions, import_folder

    options = ImportOptions(skip_invalid=skip_invalid, ignore_unknown=ignore_unknown)
    report = import_folder(folder, options, progress=_quiet if as_json else _bar)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for error in report.errors:
            click.echo(str(error), err=True)
        click.echo(report.summary())
    if report.errors and not skip_invalid:
        sys.exit(1)


@click.command("export-data")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def export_data_command(folder: Path, as_json: bool) -> None:
    """Export every record to a data set folder in the interchange format."""
    from covenant_hub.database import reading_only
    from covenant_hub.interchange import export_folder

    with reading_only():  # on SQLite one WAL snapshot that blocks no writer
        counts = export_folder(folder, progress=_quiet if as_json else _bar)
    if as_json:
        click.echo(json.dumps({"folder": str(folder), "files": counts}))
    else:
        click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


@click.command("import-gcom")
@click.argument("xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only signatories that joined before this date (YYYY-MM-DD).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@singleton("import")
def import_gcom_command(xlsx: Path, before: datetime | None, as_json: bool) -> None:
    """Import the JRC GCoM signatory workbook (df1) with derived supporters and coordinators."""
    from covenant_hub.orgs.gcom import GcomFormatError, sheet_size
    from covenant_hub.orgs.gcom_import import import_gcom

    cutoff = before.date() if before else None
    try:
        if as_json:
            report = import_gcom(xlsx, before=cutoff)
        else:
            with click.progressbar(
                length=max(sheet_size(xlsx) - 1, 1), label="Reading signatories", file=sys.stderr
            ) as bar:
                report = import_gcom(
                    xlsx,
                    before=cutoff,
                    on_row=lambda _n: bar.update(1),
                    on_step=lambda name: click.echo(f" Writing {name}", err=True),
                )
    except GcomFormatError as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(report.as_dict()) if as_json else report.summary())


def register_data_commands(app: Flask) -> None:
    for command in (import_data_command, export_data_command, import_gcom_command, orgs_cli):
        app.cli.add_command(command)


# `flask orgs ...`: domains above orgs (matching's reminders) add their commands to this group.
orgs_cli = AppGroup("orgs", help="Organisations: reviews, memberships, reminders.")


@orgs_cli.command("pending")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def pending_command(as_json: bool) -> None:
    """How many organisations and claims wait for staff."""
    from covenant_hub.orgs.membership import pending_claim_count
    from covenant_hub.orgs.review import pending_organisation_count

    counts = {"organisations": pending_organisation_count(), "claims": pending_claim_count()}
    if as_json:
        click.echo(json.dumps(counts))
    else:
        click.echo(f"{counts['organisations']} organisations and {counts['claims']} claims wait for staff.")
