"""`flask backup create DIR` and `flask backup restore DIR` (see covenant_hub/ops/backup.py).

Wiring, not core: after a restore it rebuilds the derived data of the domains above, the search
index and the match model, from the restored database.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from covenant_hub.extensions import db
from covenant_hub.ops import backup

backup_cli = AppGroup("backup", help="Consistent online backups and their restore.")


@contextmanager
def _progress(as_json: bool) -> Iterator[backup.Progress]:
    """Progress on stderr, one line per step change (never on stdout, which --json keeps clean)."""
    shown: dict[str, int] = {}

    def report(step: str, done: int, total: int) -> None:
        if as_json or total == 0:
            return
        percent = done * 100 // total
        if shown.get(step) != percent and (percent % 10 == 0 or done == total):
            shown[step] = percent
            click.echo(f"{step}: {done}/{total} ({percent}%)", err=True)

    yield report


def _trees() -> dict[str, Path]:
    return backup.file_trees(current_app.config, current_app.instance_path)


def _fail(error: backup.BackupError, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"ok": False, "error": str(error)}))
    raise click.ClickException(str(error))


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def create_command(directory: Path, as_json: bool) -> None:
    """Back up the database (one consistent snapshot, while the site keeps writing) and the
    uploaded files into DIRECTORY, a new or empty folder, with a manifest of checksums."""
    started = time.perf_counter()
    try:
        with _progress(as_json) as progress:
            manifest = backup.create(db.engine, directory, _trees(), progress)
    except backup.BackupError as error:
        _fail(error, as_json)
        return
    summary = _summary(manifest, directory, started)
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(f"Backed up {summary['rows']} rows and {summary['files']} files to {directory} "
                   f"in {summary['seconds']} s.")  # fmt: skip


@backup_cli.command("restore")
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--no-rebuild", is_flag=True, help="Leave the search index and match model to rebuild later.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def restore_command(directory: Path, no_rebuild: bool, as_json: bool) -> None:
    """Restore a backup into this empty instance (checksums verified first), then rebuild the
    search index and the match model from it."""
    started = time.perf_counter()
    try:
        with _progress(as_json) as progress:
            manifest = backup.restore(db.engine, directory, _trees(), progress)
    except backup.BackupError as error:
        _fail(error, as_json)
        return
    db.session.remove()
    summary = _summary(manifest, directory, started)
    if not no_rebuild:
        summary.update(_rebuild_derived(as_json))
    summary["seconds"] = round(time.perf_counter() - started, 3)
    if as_json:
        click.echo(json.dumps(summary))
    else:
        rebuilt = "" if no_rebuild else f"; indexed {summary['indexed']} documents, rebuilt the match model"
        click.echo(f"Restored {summary['rows']} rows and {summary['files']} files from {directory}"
                   f"{rebuilt} in {summary['seconds']} s.")  # fmt: skip


def _summary(manifest: backup.Manifest, directory: Path, started: float) -> dict[str, Any]:
    return {
        "ok": True,
        "directory": str(directory),
        "database": manifest.database,
        "revision": manifest.revision,
        "rows": sum(manifest.rows.values()),
        "files": sum(1 for name in manifest.files if name.startswith("files/")),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _rebuild_derived(as_json: bool) -> dict[str, Any]:
    """The derived data, from the restored database: the index, then the match model (every
    web worker rebuilds its own on its next use)."""
    from covenant_hub.matching import service as matching
    from covenant_hub.matching.engine.model import load_weights
    from covenant_hub.search import indexer
    from covenant_hub.search.service import get_service

    steps: list[tuple[str, Callable[[], Any]]] = [
        ("index", lambda: indexer.rebuild(get_service(current_app).index, procs=1)),
        ("match model", lambda: _rebuild_model(matching, load_weights)),
    ]
    done: dict[str, Any] = {}
    for number, (name, step) in enumerate(steps, 1):
        if not as_json:
            click.echo(f"rebuilding the {name} ({number}/{len(steps)})", err=True)
        done[name] = step()
    return {"indexed": done["index"], "match_orgs": done["match model"]}


def _rebuild_model(matching: Any, load_weights: Callable[[], dict[str, Any]]) -> int:
    mark, snapshot = matching.read_snapshot()
    model = matching.build_with_meaning(snapshot, load_weights())
    matching.announce_rebuild(model, mark)
    return len(snapshot.orgs)
