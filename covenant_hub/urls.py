"""Absolute links, always on config PUBLIC_URL and never on the request's Host header.

The Host (and X-Forwarded-Host) header is the client's to choose. A link built from it would
let a forged request make feeds, the sitemap, API JSON or mails point at an attacker's site
(host header poisoning), and a cache could then serve that poisoned copy to everyone.
So every absolute URL the site emits comes from here, with or without a request context.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, request

# The base of absolute links when config PUBLIC_URL is empty.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
# The characters Flask's url_for leaves unquoted in an `_anchor`.
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


def safe_next_url(target: str | None) -> str:
    """Only follow relative paths on this site, never another host.

    Browsers read a backslash as a slash and drop tabs and newlines, so `/\\evil.example` or
    `/<tab>/evil.example` would leave the site: any backslash or control character is refused.
    """
    if not target or "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def public_base() -> str:
    """PUBLIC_URL without its trailing slash, for joining with a stored path."""
    return str(current_app.config.get("PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")


def public_url(endpoint: str, **values: Any) -> str:
    """Like `url_for(endpoint, _external=True, **values)`, but on PUBLIC_URL; `_anchor=` works."""
    anchor = values.pop("_anchor", None)
    parts = urlsplit(public_base())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    if anchor is not None:
        url = f"{url}#{quote(str(anchor), safe=ANCHOR_SAFE)}"
    return url


def init_app(app: Flask) -> None:
    """`public_url` in templates, and one warning per process when the site is reached under a
    host that PUBLIC_URL does not name: its mails, feeds and sitemap would link elsewhere."""
    app.add_template_global(public_url)
    public_host = urlsplit(str(app.config.get("PUBLIC_URL") or DEFAULT_PUBLIC_URL)).hostname
    local = {"127.0.0.1", "localhost", "::1"}
    warned: list[str] = []

    @app.before_request
    def _warn_once_on_another_host() -> None:
        host = request.host.rsplit(":", 1)[0].strip("[]").lower()
        if warned or host == public_host or (host in local and public_host in local):
            return
        warned.append(host)
        app.logger.warning(
            "Reached as %s but COVENANT_PUBLIC_URL is %s: links in mails, feeds and the "
            "sitemap point there. Set COVENANT_PUBLIC_URL to the public address.",
            host,
            app.config.get("PUBLIC_URL"),
        )
