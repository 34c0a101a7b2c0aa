"""The job queue: a huey instance per app, chosen by configuration, and the jobs registered on it.

huey stores its queue in a SQLite file by default (no server to run), in the project's own
PostgreSQL database when the site runs on one, or in Redis when `JOBS_REDIS_URL` is set. Every
job runs inside an app context, so it sees the same settings and database as the web workers.
The durable state of mail lives in our own `mail_deliveries` table, not in huey: a lost huey
store only delays mail until the relay hands the queued rows over again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey, crontab

from covenant_hub.clock import utcnow

log = logging.getLogger(__name__)

EXTENSION = "jobs"


def _postgres_dsn(url: str) -> str:
    """SQLAlchemy's `postgresql+psycopg://` as the plain libpq URL psycopg takes."""
    scheme, _, rest = url.partition("://")
    return f"postgresql://{rest}" if scheme.startswith("postgres") else url


def backend_of(config: dict[str, Any]) -> str:
    """The storage the settings ask for (see `JOBS_BACKEND` in config.py)."""
    chosen = str(config.get("JOBS_BACKEND") or "").lower()
    if chosen:
        return chosen
    if config.get("JOBS_REDIS_URL"):
        return "redis"
    if str(config.get("DATABASE_URL") or "").startswith("postgres"):
        return "postgres"
    return "sqlite"


def make_huey(config: dict[str, Any]) -> Huey:
    """A huey instance on the configured storage; immediate mode runs each job where it is queued."""
    # results=False: no job's return value is read, and kept ones would pile up in the store.
    name, immediate = "covenant-hub", bool(config.get("JOBS_IMMEDIATE"))
    if immediate:
        return MemoryHuey(name, immediate=True, results=False)
    backend = backend_of(config)
    if backend == "memory":
        return MemoryHuey(name, results=False)
    if backend == "redis":
        return RedisHuey(name, url=config["JOBS_REDIS_URL"], results=False)
    if backend == "postgres":
        return PostgresHuey(name, dsn=_postgres_dsn(str(config["DATABASE_URL"])), results=False)
    if backend == "sqlite":
        return SqliteHuey(name, filename=str(config["JOBS_SQLITE_PATH"]), results=False)
    raise ValueError(f"Unknown JOBS_BACKEND {backend!r}: use sqlite, postgres, redis or memory.")


class JobQueue:
    """The app's huey instance with its jobs, each run inside an app context."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = make_huey(app.config)
        self.tasks: dict[str, Any] = {}
        self.periodic_names: list[str] = []

    def _in_context(self, func: Callable[..., Any]) -> Callable[..., Any]:
        app = self.app

        def run(*args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return func(*args, **kwargs)

        run.__name__ = getattr(func, "__name__", "job")
        return run

    def task(self, name: str, func: Callable[..., Any], retries: int = 0, retry_delay: int = 0) -> None:
        """Register `func` as the job `name`; failed runs are retried with doubling delays."""
        self.tasks[name] = self.huey.task(
            retries=retries, retry_delay=retry_delay, retry_backoff=2 if retry_delay else 0, name=name
        )(self._in_context(func))

    def periodic(self, name: str, schedule: dict[str, str], func: Callable[[], Any]) -> None:
        """Register a job the consumer runs on a crontab schedule (e.g. `{"minute": "0", "hour": "3"}`).

        Every node's consumer schedules it, so each run takes the job's cluster-wide lock
        (`covenant_hub.locks`): while one node runs it, the others' runs skip, logged."""
        self.tasks[name] = self.huey.periodic_task(crontab(**schedule), name=name)(
            self._in_context(_one_at_a_time(name, func))
        )
        self.periodic_names.append(name)

    def enqueue(self, name: str, *args: Any) -> None:
        """Queue one run of the job (in immediate mode: run it now)."""
        self.tasks[name](*args)

    def depth(self) -> int:
        """Jobs waiting in huey's queue or schedule."""
        return int(self.huey.pending_count()) + int(self.huey.scheduled_count())

    def run_pending(self, now: datetime | None = None, limit: int = 100_000) -> int:
        """One tick of a worker in this thread: move what huey's schedule holds for `now` to the
        queue, run every queued job, and return how many ran.

        The in-process worker of tests and benchmarks. A retry a job asks for during the tick
        waits for a later call (with a later `now`), so nothing waits on the wall clock and a
        failing job does not use all its attempts in one call.
        """
        moment = (now or utcnow()).astimezone(UTC).replace(tzinfo=None)
        for task in self.huey.read_schedule(moment):
            self.huey.enqueue(task)
        ran = 0
        while ran < limit:
            task = self.huey.dequeue()
            if task is None:
                break
            self.huey.execute(task, moment)
            ran += 1
        return ran

    def consumer(self, workers: int) -> Any:
        """A huey consumer with its scheduler (periodic jobs included), ready to `run()`."""
        return self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)


def get_queue(app: Flask | None = None) -> JobQueue:
    return (app or current_app).extensions[EXTENSION]  # type: ignore[no-any-return]


def _one_at_a_time(name: str, func: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        from covenant_hub.locks import AlreadyRunning, job_lock

        try:
            with job_lock(f"periodic-{name}"):
                return func()
        except AlreadyRunning:
            log.info("periodic job %s is already running elsewhere: this run skips", name)
            return None

    run.__name__ = getattr(func, "__name__", name)
    return run


def register_periodic(app: Flask, name: str, schedule: dict[str, str], func: Callable[[], Any]) -> None:
    """What a domain calls in its `init_app` to run `func` on a schedule."""
    get_queue(app).periodic(name, schedule, func)
