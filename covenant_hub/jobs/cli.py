"""`flask jobs ...`: run a worker, look at the queue, relay and retry mail."""

from __future__ import annotations

import json
import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from covenant_hub.extensions import db
from covenant_hub.jobs import delivery
from covenant_hub.jobs.queue import backend_of, get_queue

jobs_cli = AppGroup("jobs", help="The background job queue (mail, digests, periodic jobs).")


@jobs_cli.command("worker")
@click.option("--workers", type=int, default=None, help="Consumer threads (default JOBS_WORKERS).")
def worker(workers: int | None) -> None:
    """Run a consumer until interrupted: queued jobs, retries and the periodic jobs."""
    queue = get_queue()
    count = workers or int(current_app.config["JOBS_WORKERS"])
    if not logging.getLogger().handlers:  # show huey's job failures and retries unless logging is set up
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"Job worker on {backend_of(current_app.config)} storage, {count} threads.", err=True)
    queue.consumer(count).run()


@jobs_cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(as_json: bool) -> None:
    """Mail by state and the jobs waiting for a worker."""
    data = {
        **delivery.counts(),
        "jobs_waiting": get_queue().depth(),
        "backend": backend_of(current_app.config),
    }
    if as_json:
        click.echo(json.dumps(data))
    else:
        click.echo(
            f"mail: {data['queued']} queued, {data['sending']} sending, {data['failed']} failed, "
            f"{data['sent']} sent; {data['jobs_waiting']} jobs waiting ({data['backend']})"
        )


@jobs_cli.command("relay")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def relay(as_json: bool) -> None:
    """Hand queued mail that is due to the queue again (the worker also does it every minute)."""
    count = delivery.relay()
    click.echo(json.dumps({"handed_over": count}) if as_json else f"Handed {count} messages to the queue.")


@jobs_cli.command("run-once")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def run_once(as_json: bool) -> None:
    """Hand due mail to the queue, run every job waiting now in this process, then exit (a
    one-off drain, e.g. from cron on a machine without a standing worker)."""
    handed = delivery.relay()
    ran = get_queue().run_pending()
    db.session.rollback()  # read the states as the jobs left them, not an earlier snapshot
    data = {"handed_over": handed, "jobs_ran": ran, **delivery.counts()}
    click.echo(json.dumps(data) if as_json else f"Ran {ran} jobs; {data['queued']} messages still queued.")


@jobs_cli.command("retry")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def retry(as_json: bool) -> None:
    """Queue every failed message again."""
    count = delivery.retry()
    click.echo(json.dumps({"queued_again": count}) if as_json else f"Queued {count} failed messages again.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
