"""Security headers on every response: pages, error pages, JSON and static files alike."""

from __future__ import annotations

from flask import Flask, Response, request, session

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
# A year, the usual minimum for browsers' preload lists; subdomains are not ours to promise.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"
# Public feeds and calendars: the same for everyone, so readers and proxies may keep them.
PUBLIC_MIMETYPES = frozenset({"application/rss+xml", "application/atom+xml", "text/calendar"})
PUBLIC_ENDPOINTS = frozenset({"static", "site.sitemap_index", "site.sitemap_section"})


def serves_https(app: Flask) -> bool:
    """Is the site's public address https (so browsers may be told never to use http)?"""
    return str(app.config.get("PUBLIC_URL") or "").startswith("https://")


def may_be_stored(response: Response) -> bool:
    """May caches keep this response? Not when it went to a signed-in user or to a caller
    with an API token, unless it is a static file or a public feed, which carry nothing personal.

    Signed in is read from the session cookie, not from the user row: this runs on error
    pages too, when the database may be what failed.
    """
    if "_user_id" not in session and "Authorization" not in request.headers:
        return True
    return request.endpoint in PUBLIC_ENDPOINTS or response.mimetype in PUBLIC_MIMETYPES


def init_app(app: Flask) -> None:
    """Add the headers in an after_request hook, which also runs for error handlers."""
    https = serves_https(app)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        if not may_be_stored(response):
            headers["Cache-Control"] = "no-store"
        return response
