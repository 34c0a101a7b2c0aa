"""Background jobs: the huey queue, mail sent off the request, the staff page and `flask jobs`."""

from __future__ import annotations

from flask import Flask

from covenant_hub.jobs import cli, delivery, views
from covenant_hub.jobs.queue import EXTENSION, JobQueue


def init_app(app: Flask) -> None:
    """Build the app's queue, register the mail jobs, the staff page and the commands."""
    queue = JobQueue(app)
    app.extensions[EXTENSION] = queue
    attempts = max(1, int(app.config["JOBS_MAIL_ATTEMPTS"]))
    queue.task(delivery.DELIVER_JOB, delivery.deliver_batch, retries=attempts - 1,
               retry_delay=int(app.config["JOBS_RETRY_DELAY"]))  # fmt: skip
    queue.periodic(delivery.RELAY_JOB, {"minute": "*"}, delivery.relay)
    delivery.install()
    app.register_blueprint(views.bp)
    cli.register_cli(app)
