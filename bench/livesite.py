"""A real site for the reliability battery: a seeded temporary database, gunicorn on a free port,
and browser-like clients (cookies, CSRF tokens scraped from the forms, no redirects followed).

The bench scripts (`reliability_*.py`, `fuzz_routes.py`) and their fast versions under
`tests/reliability/` share it, so a figure in a test and in a bench line means the same thing.
Only the standard library speaks HTTP here (urllib), as in `search_delay_bench.py`.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "battery-password-12345"  # noqa: S105 - throwaway accounts in a temporary database
START_S = 180.0  # a hang guard: a loaded 2-core machine took over 60 s to restart 3 workers
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def site_config(base: Path) -> dict[str, Any]:
    """Settings that keep the served site's files in ``base``."""
    return {
        "SECRET_KEY": "battery-secret", "DATABASE_URL": f"sqlite:///{base / 'site.db'}",
        "INDEX_DIR": str(base / "index"), "MAIL_OUTBOX": str(base / "outbox"),
        "ATTACHMENTS_DIR": str(base / "attachments"),
        "RATELIMIT_STORAGE_URI": f"covenantsqlite:///{base / 'ratelimits.db'}", "RATELIMIT_ENABLED": False,
        "DEMO_DATA": False, "ARGON2_FAST": True, "FORUM_NEW_ACCOUNT_POSTS_PER_HOUR": 1_000_000,
        "SEARCH_EMBEDDER": "off",  # the battery is about the keyword index and the database
    }  # fmt: skip


def database_path(config: dict[str, Any]) -> Path:
    return Path(config["DATABASE_URL"].removeprefix("sqlite:///"))


@dataclass
class Poster:
    """A seeded account and the public thread it replies to."""

    email: str
    thread_id: int


def seed_forum(config: dict[str, Any], posters: int) -> list[Poster]:
    """Migrate, then one organisation, one public group, one thread and one member per poster;
    builds the index."""
    from flask_migrate import upgrade

    from covenant_hub import create_app
    from covenant_hub.accounts.models import User
    from covenant_hub.accounts.passwords import hash_password
    from covenant_hub.clock import utcnow
    from covenant_hub.extensions import db
    from covenant_hub.forum.models import Group, Post, Thread
    from covenant_hub.orgs.models import Membership, Organisation
    from covenant_hub.search import indexer
    from covenant_hub.search.service import get_service

    app = create_app({**config, "SEARCH_WORKER": "off"})
    out = []
    with app.app_context():
        upgrade()
        org = Organisation(external_id="battery-org", kind="signatory", name="Battery town", country="kg")
        group = Group(external_id="battery-group", title="Battery group", visibility="public",
                      join_policy="open")  # fmt: skip
        db.session.add_all([org, group])
        db.session.flush()
        old = utcnow() - timedelta(days=30)  # not a "new account": no posting limits
        for n in range(posters):
            user = User(email=f"poster{n}@example.org", name=f"Poster {n}", language="en", role="member",
                        password_hash=hash_password(PASSWORD), confirmed_at=old, created_at=old)  # fmt: skip
            db.session.add_all([user, Membership(user=user, organisation=org, role="member")])
            thread = Thread(external_id=f"battery-thread-{n}", group_id=group.id, title=f"Battery thread {n}",
                            language="en", post_count=1)  # fmt: skip
            db.session.add(thread)
            db.session.flush()
            db.session.add(Post(thread_id=thread.id, author_name="Seed", body="Opening post"))
            out.append(Poster(user.email, thread.id))
        db.session.commit()
        indexer.rebuild(get_service(app).index, procs=1)
        db.engine.dispose()
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_env(value: Any) -> str:
    """from_prefixed_env reads values as JSON where it can, so booleans travel as JSON."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


@dataclass
class Server:
    """gunicorn serving ``config`` with CSRF on; ``restart`` keeps the port and the database."""

    config: dict[str, Any]
    workers: int = 3
    log_path: Path | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        served = {k: v for k, v in self.config.items() if k != "TESTING"}
        return {**os.environ, **{f"COVENANT_{k}": _as_env(v) for k, v in served.items()}}

    def start(self) -> None:
        log_path = self.log_path or Path(self.config["INDEX_DIR"]).parent / "gunicorn.log"
        with log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--graceful-timeout", "5",
                 "--bind", f"127.0.0.1:{self.port}", "app:app"],
                cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.wait_serving(log_path)

    def wait_serving(self, log_path: Path) -> None:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2):  # noqa: S310 - our loopback server
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {START_S:.0f} s")

    def worker_pids(self) -> list[int]:
        """The master's children right now (gunicorn replaces a dead worker with a new pid)."""
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_worker(self, rng: random.Random) -> int | None:
        """SIGKILL one worker; gunicorn's master forks a replacement."""
        pids = self.worker_pids()
        if not pids:
            return None
        pid = rng.choice(pids)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return pid

    def kill_all(self) -> None:
        """The whole server dies at once: master first, so no worker is replaced, then the workers."""
        if self.process is None:
            return
        pids = self.worker_pids()
        self.process.kill()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=20)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill_all()
        self.process = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    status: int
    location: str
    body: str


class Client:
    """One browser-like client with its own cookie jar."""

    def __init__(self, base: str, timeout: float = 15.0) -> None:
        self.base = base
        self.timeout = timeout
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())

    def request(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None,
                method: str | None = None) -> Answer:  # fmt: skip
        """Any request; HTTP errors and redirects come back as answers, connection errors raise."""
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {}, method=method)  # noqa: S310 - loopback
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return Answer(response.status, response.headers.get("Location", ""), _text(response.read()))
        except urllib.error.HTTPError as error:  # 3xx and 4xx/5xx arrive as "errors" without redirects
            return Answer(error.code, error.headers.get("Location", ""), _text(error.read()))

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        return self.request(path, data=urllib.parse.urlencode(fields).encode())

    def token(self, path: str) -> str:
        """The CSRF token of the first form on ``path``."""
        answer = self.get(path)
        match = CSRF.search(answer.body)
        if match is None:
            raise RuntimeError(f"no CSRF token on {path} ({answer.status})")
        return match.group(1)

    def login(self, email: str, password: str = PASSWORD) -> None:
        answer = self.post("/account/login", {"csrf_token": self.token("/account/login"), "email": email,
                                              "password": password})  # fmt: skip
        if answer.status != 302:
            raise RuntimeError(f"login failed for {email}: {answer.status}")

    def search_total(self, word: str) -> tuple[int, bool]:
        """(hits for ``word`` among posts, whether the answer came from the fallback)."""
        answer = self.get("/api/v1/search?" + urllib.parse.urlencode({"q": word, "type": "post"}))
        if answer.status != 200:
            raise RuntimeError(f"search answered {answer.status}")
        data = json.loads(answer.body)
        return int(data["total"]), bool(data.get("degraded"))


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def unique_word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(12))


def bodies_in_database(config: dict[str, Any]) -> list[str]:
    """Every post body, read straight from SQLite (not through the app)."""
    with sqlite3.connect(database_path(config)) as conn:
        return [row[0] for row in conn.execute("SELECT body FROM forum_posts")]


def index_mark(config: dict[str, Any]) -> int:
    """The last change-log id the served index applied (its ``<index>.applied`` file; 0 if none)."""
    path = Path(f"{Path(config['INDEX_DIR'])}.applied")
    try:
        return int(json.loads(path.read_text())["id"])
    except (OSError, ValueError, KeyError):
        return 0


def outbox_backlog(config: dict[str, Any]) -> int:
    """Change-log rows the served index has not applied yet (the log itself is append-only)."""
    with sqlite3.connect(database_path(config)) as conn:
        query = "SELECT count(*) FROM search_outbox WHERE id > ?"
        return conn.execute(query, (index_mark(config),)).fetchone()[0]


def flask_cli(config: dict[str, Any], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`flask --app app ...` against the served database and index."""
    env = Server(config).env()
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def search_check(config: dict[str, Any]) -> dict[str, Any]:
    """`flask search check --no-repair --json`: what the index lacks or has in excess."""
    done = flask_cli(config, "search", "check", "--no-repair", "--json")
    if done.returncode != 0:
        raise RuntimeError(f"search check failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)
