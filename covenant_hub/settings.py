"""Layered configuration: defaults, instance folder, environment, then what a test passes."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Config, Flask

from covenant_hub.config import DefaultConfig


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
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = f"covenantsqlite:///{instance / 'ratelimits.db'}"
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret_key(instance)
    config["DEMO_DATA"] = str(config.get("DEMO_DATA")).lower() not in {"0", "false", "no"}
    _https_only_cookies(config)
    _behind_proxies(app)


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
            return "postgresql+psycopg://" + url[len(prefix):]
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
