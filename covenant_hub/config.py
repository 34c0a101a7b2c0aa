"""Default settings. The instance folder and `COVENANT_*` environment variables override them."""
from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    """Settings a fresh checkout runs with; every path is resolved against the project."""

    # Filled in by the factory: the SQLite file lives in the instance folder.
    DATABASE_URL: str | None = None
    INDEX_DIR = str(PROJECT_ROOT / "index")
    MAIL_OUTBOX: str | None = None  # defaults to <instance>/outbox
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
    SECRET_KEY: str | None = None  # generated and kept in the instance folder when unset
    DEMO_DATA = True
    # Rate limits shared by every worker process through a small SQLite file.
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
    # /api/*: every request per client address; token requests also per token (a token used
    # from many machines). /search per client address. Over a limit: 429 with Retry-After.
    RATELIMIT_API_PER_CLIENT = "300 per minute"
    RATELIMIT_API_PER_TOKEN = "120 per minute"  # noqa: S105  (a limit, not a secret)
    RATELIMIT_SEARCH_PER_CLIENT = "60 per minute"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    LANGUAGES = ("ky", "ru", "en")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    ORGS_PER_PAGE = 25
    API_PAGE_SIZE = 50
    API_MAX_PAGE_SIZE = 200
    CONFIRM_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 2 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
