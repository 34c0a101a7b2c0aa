"""`flask match ...`: rebuild, recommend, evaluate and tune the match model.

Each web worker holds its own model. `match rebuild` builds one here, then leaves a "rebuild" row
in match_changes: every worker rebuilds on its next use, from the database and the weights.json
of that moment. So new weights written by `match tune` reach the workers after a `match rebuild`.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from covenant_hub.database import reading_only
from covenant_hub.extensions import db
from covenant_hub.locks import singleton
from covenant_hub.matching import service
from covenant_hub.matching import weights as stored_weights
from covenant_hub.matching.engine.evaluation import evaluate
from covenant_hub.matching.engine.model import WEIGHTS_PATH, MatchModel, load_weights, save_weights
from covenant_hub.matching.engine.ranker import RECOMMENDABLE, UnknownOrganisation, recommend
from covenant_hub.matching.engine.records import Snapshot
from covenant_hub.matching.engine.tuning import tune
from covenant_hub.matching.snapshot import load_snapshot
from covenant_hub.orgs.models import Organisation

match_cli = AppGroup("match", help="Build, query and evaluate the match model.")
KIND = click.Choice(RECOMMENDABLE)
NETWORK_KIND = click.Choice(("supporter", "coordinator"))
DATE = click.DateTime(formats=["%Y-%m-%d"])


def _per_item(label: str, quiet: bool) -> Callable[[Iterable[Any]], Iterator[Any]]:
    """A wrapper that shows a progress bar over the queries of an evaluation or tuning run."""

    def wrap(items: Iterable[Any]) -> Iterator[Any]:
        if quiet:
            yield from items
            return
        with click.progressbar(list(items), label=label, file=sys.stderr) as bar:
            yield from bar

    return wrap


def _progress(items: list[Any], label: str, quiet: bool) -> Any:
    if quiet:
        return _Plain(items)
    return click.progressbar(items, label=label, file=sys.stderr)


class _Plain:
    """A no-op stand-in for click's progress bar (used with --json)."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items

    def __enter__(self) -> list[Any]:
        return self.items

    def __exit__(self, *exc: object) -> None:
        return None


@match_cli.command("rebuild")
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the built model (with its weights) to this file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@singleton("match rebuild")
def rebuild_command(save: Path | None, as_json: bool) -> None:
    """Build the model from the database and the current weights, then tell every web worker to
    rebuild its own on its next use (they then read the weights too, say after `match tune`).
    First prune the change rows older than a week."""
    started = time.perf_counter()
    steps = ["prune", "snapshot", "model", "announce"]
    result: dict[str, Any] = {}
    with _progress(steps, _("Rebuilding the match model"), as_json) as bar:
        for step in bar:
            if step == "prune":
                result["pruned"] = service.prune_changes()
            elif step == "snapshot":
                # A read of its own, the mark first: building the model holds no lock.
                result["mark"], result["snapshot"] = service.read_snapshot()
            elif step == "model":
                result["model"] = service.build_with_meaning(
                    result["snapshot"], stored_weights.current_weights()
                )
            else:
                service.announce_rebuild(result["model"], result["mark"])
    model: MatchModel = result["model"]
    if save is not None:
        model.save(save)
    snapshot: Snapshot = result["snapshot"]
    summary = {
        "orgs": len(snapshot.orgs),
        "links": len(snapshot.links),
        "practices": len(snapshot.practices),
        "pruned_changes": result["pruned"],
        "build_s": round(model.build_seconds, 3),
        "total_s": round(time.perf_counter() - started, 3),
    }
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(
            _(
                "Match model rebuilt: %(orgs)s organisations, %(links)s links, %(practices)s practices "
                "in %(total_s)s s.",
                **summary,
            )
        )


def _lookup(model: MatchModel, token: str) -> int | None:
    """A database id from an external id (or, failing that, a numeric database id)."""
    org_id = db.session.scalar(db.select(Organisation.id).where(Organisation.external_id == token))
    if org_id is None and token.isdigit() and int(token) in model.orgs:
        org_id = int(token)
    return org_id


def _results(model: MatchModel, token: str, kind: str, top: int) -> list[dict[str, Any]]:
    org_id = _lookup(model, token)
    if org_id is None:
        raise UnknownOrganisation(token)
    return [m.as_json() for m in recommend(model, org_id, kind, top)]


@match_cli.command("recommend")
@click.argument("org_id", required=False)
@click.option("--kind", type=KIND, required=True, help="What to recommend.")
@click.option("--top", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option(
    "--batch",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of organisation ids, one a line; prints one JSON line each.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def recommend_command(org_id: str | None, kind: str, top: int, batch: Path | None, as_json: bool) -> None:
    """Recommend organisations of KIND for ORG_ID (an external id)."""
    with reading_only():
        _recommend(org_id, kind, top, batch, as_json)


def _recommend(org_id: str | None, kind: str, top: int, batch: Path | None, as_json: bool) -> None:
    model = service.get_model()
    if batch is not None:
        _batch(model, batch, kind, top)
        return
    if not org_id:
        raise click.UsageError(_("Give an organisation id or --batch FILE."))
    try:
        results = _results(model, org_id, kind, top)
    except UnknownOrganisation:
        raise click.ClickException(_("No organisation with the id %(id)s.", id=org_id)) from None
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False))
        return
    for number, item in enumerate(results, start=1):
        reasons = "; ".join(service.render_reasons(item["reasons"]))
        click.echo(f"{number:>2}. {item['name']} ({item['id']}) {item['score']:.3f} - {reasons}")


def _batch(model: MatchModel, batch: Path, kind: str, top: int) -> None:
    tokens = [line.strip() for line in batch.read_text(encoding="utf-8").splitlines() if line.strip()]
    for token in tokens:
        try:
            line: dict[str, Any] = {"org": token, "results": _results(model, token, kind, top)}
        except UnknownOrganisation:
            line = {"org": token, "results": [], "error": _("No organisation with the id %(id)s.", id=token)}
        click.echo(json.dumps(line, ensure_ascii=False))


@match_cli.command("evaluate")
@click.option("--since", type=DATE, required=True, help="First adhesion date of the hidden window.")
@click.option("--until", type=DATE, required=True, help="End (exclusive) of the hidden window.")
@click.option("--kind", type=NETWORK_KIND, required=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random baseline.")
@click.option(
    "--weights",
    "weights_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Weights to evaluate instead of the shipped ones (say, written by `match tune --output`).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def evaluate_command(
    since: datetime, until: datetime, kind: str, seed: int, weights_file: Path | None, as_json: bool
) -> None:
    """Hide the KIND links of organisations that joined in [since, until) and score the engine
    and the baselines on finding them again."""
    if since >= until:
        raise click.BadParameter(_("--since must be before --until."))
    try:
        weights = load_weights(weights_file)
    except (ValueError, OSError) as error:
        raise click.BadParameter(_("Cannot read the weights: %(error)s", error=str(error))) from None
    with reading_only():
        snapshot = load_snapshot(db.session)
        db.session.rollback()  # the snapshot is in memory: hold no transaction while scoring
    embedder = service.text_embedder()  # the texts meet as they do in the app
    scores = evaluate(
        service.with_vectors(snapshot, embedder),
        since.date(),
        until.date(),
        kind,
        weights,
        seed,
        progress=_per_item(_("Evaluating"), as_json),
        embedder=embedder,
    )
    rows = [score.as_json() for score in scores]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "kind": kind,
                    "since": since.date().isoformat(),
                    "until": until.date().isoformat(),
                    "methods": rows,
                }
            )
        )
        return
    click.echo(_format_table(rows))


def _format_table(rows: list[dict[str, Any]]) -> str:
    header = (
        f"{'method':<20}{'Hits@1':>8}{'Hits@10':>9}{'MRR':>8}{'nDCG@10':>9}{'coverage':>10}{'queries':>9}"
    )
    lines = [header]
    for r in rows:
        lines.append(
            f"{r['name']:<20}{r['hits_at_1']:>8.3f}{r['hits_at_10']:>9.3f}{r['mrr']:>8.3f}"
            f"{r['ndcg_at_10']:>9.3f}{r['coverage']:>10.3f}{r['queries']:>9}"
        )
    return "\n".join(lines)


def _window(text: str) -> tuple[date, date]:
    try:
        since, until = (date.fromisoformat(part) for part in text.split(":"))
    except ValueError:
        raise click.BadParameter(_("A window is SINCE:UNTIL, for example 2016-01-01:2019-01-01.")) from None
    return since, until


@match_cli.command("tune")
@click.option(
    "--window",
    "windows",
    multiple=True,
    default=("2010-01-01:2012-01-01", "2012-01-01:2016-01-01", "2016-01-01:2019-01-01"),
    show_default=True,
    help="SINCE:UNTIL of a hidden window; repeat for several.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Where to write the tuned weights (default without --apply: {WEIGHTS_PATH}).",
)
@click.option(
    "--apply",
    "apply",
    is_flag=True,
    help="Store the tuned weights as a new version in the database (every node).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the fit summary as JSON.")
def tune_command(windows: tuple[str, ...], output: Path | None, apply: bool, as_json: bool) -> None:
    """Fit the supporter and coordinator weights on time windows of the current database,
    starting from the current weights.

    Run it on data imported with `import-gcom --before 2019-01-01` only: later adhesions are
    the held-out period. With --apply the weights become a new version in the database, which
    every worker on every node builds with after `flask match rebuild`."""
    parsed = [_window(text) for text in windows]
    with reading_only():
        snapshot = load_snapshot(db.session)
        db.session.rollback()
    tuned = tune(snapshot, parsed, stored_weights.current_weights(), progress=_per_item(_("Tuning"), as_json))
    if output is None and not apply:
        output = WEIGHTS_PATH
    if output is not None:
        save_weights(tuned, output)
    version = stored_weights.store(tuned, note="match tune " + " ".join(windows)) if apply else None
    _report_tuning(tuned["tuned"], output, version, as_json)


def _report_tuning(summary: dict, output: Path | None, version: int | None, as_json: bool) -> None:
    """The fit summary, and where the weights went (a file, a stored version or both)."""
    if as_json:
        click.echo(json.dumps(summary if version is None else {**summary, "version": version}))
        return
    if output is not None:
        click.echo(_("Weights written to %(path)s.", path=str(output)))
    if version is not None:
        message = _(
            "Weights stored as version %(version)d; run `flask match rebuild` to use them.", version=version
        )
        click.echo(message)
    click.echo(json.dumps(summary, indent=2))


weights_cli = AppGroup("weights", help="The ranker's weights, versioned in the database.")
match_cli.add_command(weights_cli)


@weights_cli.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def weights_show_command(as_json: bool) -> None:
    """Print the current weights and their version (none: the shipped file)."""
    current = stored_weights.current()
    if as_json:
        click.echo(json.dumps({"version": current.version, "weights": current.weights}, sort_keys=True))
    else:
        click.echo(_("Version: %(version)s", version=current.version or _("the shipped file")))
        click.echo(json.dumps(current.weights, indent=2, sort_keys=True))


@weights_cli.command("set")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default="", help="Why these weights (kept with the version).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def weights_set_command(file: Path, note: str, as_json: bool) -> None:
    """Store the weights in FILE (as `match tune --output` writes them) as a new version."""
    try:
        version = stored_weights.store(load_weights(file), note=note or f"match weights set {file.name}")
    except (ValueError, OSError) as error:
        raise click.ClickException(_("Cannot use the weights: %(error)s", error=str(error))) from None
    if as_json:
        click.echo(json.dumps({"version": version}))
    else:
        click.echo(
            _(
                "Weights stored as version %(version)d; run `flask match rebuild` to use them.",
                version=version,
            )
        )
