"""`flask search ...`: rebuild, check and repair, drain, query (for scripts), and a worker."""

from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO

import click
from flask import current_app
from flask.cli import AppGroup

from covenant_hub.locks import singleton
from covenant_hub.search import documents, indexer, vectors
from covenant_hub.search.engine.results import SearchQuery
from covenant_hub.search.engine.schema import DOC_TYPES
from covenant_hub.search.service import get_service

search_cli = AppGroup("search", help="Full-text search index.")


def _rebuild(procs: int | None) -> int | None:
    service = get_service(current_app)
    total = documents.count_records()
    with click.progressbar(length=total, label="Indexing", file=sys.stderr) as bar:
        done = [0]

        def progress(count: int) -> None:
            bar.update(min(count, total) - done[0])
            done[0] = min(count, total)

        return indexer.rebuild(service.index, progress=progress, procs=procs)


@search_cli.command("reindex")
@click.option("--procs", type=int, default=None, help="Worker processes (default: the free cores).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@singleton("search reindex")
def reindex(procs: int | None, as_json: bool) -> None:
    """Rebuild the whole index from the database (the outbox backlog it covers is cleared)."""
    count = _rebuild(procs)
    if count is None:
        raise click.ClickException("another process is rebuilding the index")
    data: dict[str, Any] = {"indexed": count}
    semantic = get_service(current_app).semantic
    if semantic is not None:
        with click.progressbar(length=count, label="Embedding", file=sys.stderr) as bar:
            done = [0]

            def progress(seen: int) -> None:
                bar.update(min(seen, count) - done[0])
                done[0] = min(seen, count)

            result = vectors.sync_all(semantic.embedder, progress=progress)
        data.update(embedded=result.embedded, unchanged=result.unchanged, vectors_removed=result.removed)
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(f"Indexed {count} documents.")
    if semantic is not None:
        click.echo(f"Vectors: {data['embedded']} embedded, {data['unchanged']} unchanged, "
                   f"{data['vectors_removed']} removed.")  # fmt: skip


@search_cli.command("embed")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def embed(as_json: bool) -> None:
    """Embed the documents waiting for a vector now (the background thread does this too)."""
    semantic = get_service(current_app).semantic
    if semantic is None:
        raise click.ClickException("semantic search is off (SEARCH_EMBEDDER)")
    total = 0
    while True:
        step = vectors.embed_pending(semantic.embedder)
        total += step.embedded
        if not (step.embedded or step.unchanged or step.removed):
            break
    click.echo(json.dumps({"embedded": total}) if as_json else f"Embedded {total} documents.")


@search_cli.command("check")
@click.option("--no-repair", is_flag=True, help="Only report.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def check(no_repair: bool, as_json: bool) -> None:
    """Compare every document's content in the database and in this node's index (a hash per
    document): missing, stale (an edit or a hidden post the index still holds) and extra; and
    repair them."""
    service = get_service(current_app)
    if not service.index.check_health().ok:
        _rebuild(None)
    report = indexer.check(service.index, repair=not no_repair)
    data = {"database": report.database, "index": report.index, "missing": len(report.missing),
            "stale": len(report.stale), "extra": len(report.extra), "repaired": report.repaired}  # fmt: skip
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(
        f"database {report.database}, index {report.index}, missing {len(report.missing)}, "
        f"stale {len(report.stale)}, extra {len(report.extra)}{', repaired' if report.repaired else ''}"
    )


@search_cli.command("ensure")
def ensure() -> None:
    """Make the index usable and current: rebuild when missing or damaged, else drain and check."""
    service = get_service(current_app)
    if not indexer.usable(service.index):
        count = _rebuild(None)
        click.echo(f"Search index rebuilt: {count} documents.")
        return
    drained = indexer.drain(service.index, timeout=30.0)
    report = indexer.check(service.index)
    click.echo(
        f"Search index up to date ({report.index} documents; {drained.rows} queued changes applied, "
        f"{len(report.missing) + len(report.stale) + len(report.extra)} repaired)."
    )


@search_cli.command("drain")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def drain(as_json: bool) -> None:
    """Apply the queued changes now (waiting for the index lock)."""
    result = indexer.drain(get_service(current_app).index, timeout=30.0)
    data = {
        "rows": result.rows,
        "indexed": result.indexed,
        "removed": result.removed,
        "locked": result.locked,
    }
    click.echo(json.dumps(data) if as_json else f"Applied {result.rows} queued changes.")


@search_cli.command("lag")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def lag(as_json: bool) -> None:
    """How far this node's index is behind the change log (rows, and the oldest one's age)."""
    found = indexer.lag(get_service(current_app).index)
    data = {"mark": found.mark, "head": found.head, "lag_rows": found.rows, "lag_seconds": found.seconds}
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(
        f"applied up to {found.mark} of {found.head}: {found.rows} rows behind, oldest {found.seconds} s"
    )


@search_cli.command("prune")
@click.option("--keep-seconds", type=click.FloatRange(min=0), default=None,
              help="Keep rows younger than this (default: SEARCH_LOG_KEEP_S).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def prune(keep_seconds: float | None, as_json: bool) -> None:
    """Delete change-log rows older than the retention window (nodes behind them rebuild)."""
    keep = float(current_app.config["SEARCH_LOG_KEEP_S"]) if keep_seconds is None else keep_seconds
    deleted = indexer.prune(keep)
    click.echo(json.dumps({"pruned": deleted}) if as_json else f"Pruned {deleted} change-log rows.")


@search_cli.command("worker")
@click.option("--interval", type=float, default=0.5, help="Seconds between polls of the outbox.")
@click.option("--max-seconds", type=float, default=None, help="Stop after this long (for scripts and tests).")
def worker(interval: float, max_seconds: float | None) -> None:
    """Drain the outbox forever: an alternative to the web processes' background threads."""
    service = get_service(current_app)
    until = None if max_seconds is None else time.monotonic() + max_seconds
    while until is None or time.monotonic() < until:
        if service.healthy():
            service.drain_now()
        time.sleep(interval)


def _run_query(text: str, lang: str | None, type_: str | None, limit: int) -> list[dict[str, Any]]:
    """Hits as the scripts read them; cross-language results come fused when vectors exist."""
    q = SearchQuery(text=text, lang=lang, types=(type_,) if type_ else (), page_size=limit,
                    facets=False, highlight=False, suggest=False)  # fmt: skip
    answer = get_service(current_app).search(q)
    return [
        {"type": h.type, "id": h.ext_id, "title": h.title, "score": round(h.score, 4)}
        for h in answer.results.hits
    ]


@search_cli.command("query")
@click.argument("text", required=False)
@click.option("--lang", default=None, help="Only documents in this language (ky, ru, en...).")
@click.option("--type", "type_", type=click.Choice(DOC_TYPES), default=None, help="Only this type.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--batch", type=click.File("r", encoding="utf-8"), default=None, help="One query per line.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def query(
    text: str | None, lang: str | None, type_: str | None, limit: int, batch: TextIO | None, as_json: bool
) -> None:
    """Search public content as an anonymous visitor would; ids are the interchange ids."""
    if batch is not None:
        for line in batch:
            if line.strip():
                found = _run_query(line.strip(), lang, type_, limit)
                click.echo(json.dumps({"query": line.strip(), "results": found}, ensure_ascii=False))
        return
    if not text:
        raise click.UsageError("give a query TEXT or --batch FILE")
    found = _run_query(text, lang, type_, limit)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False))
        return
    for hit in found:
        click.echo(f"{hit['score']:8.3f}  {hit['type']:<12} {hit['id']:<24} {hit['title']}")
