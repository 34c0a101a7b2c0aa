"""The `covenant-hub` console command of an installed copy: Flask's CLI on the factory.

`covenant-hub init-db`, `covenant-hub search ensure`, `covenant-hub backup create DIR`, ... are
the `flask --app app ...` commands of a checkout; `covenant-hub serve` runs gunicorn with the
bundled settings.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from covenant_hub import create_app
from covenant_hub.config import PROJECT_ROOT


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def cli() -> None:
    """Covenant Hub's commands (the same as `flask --app app` in a checkout)."""


@cli.command("serve", context_settings={"ignore_unknown_options": True})
@click.option("--bind", default="127.0.0.1:5000", show_default=True)
@click.option("--workers", default=3, show_default=True)
@click.argument("extra", nargs=-1, type=click.UNPROCESSED)
def serve(bind: str, workers: int, extra: tuple[str, ...]) -> None:
    """Serve with gunicorn and the bundled gunicorn.conf.py (extra arguments go to gunicorn)."""
    from gunicorn.app.wsgiapp import run

    args = ["gunicorn", "--config", str(PROJECT_ROOT / "gunicorn.conf.py"), "--bind", bind,
            "--workers", str(workers), *extra, "covenant_hub.wsgi:app"]  # fmt: skip
    run(args)


def main() -> None:
    """Console-script entry point."""
    cli()
