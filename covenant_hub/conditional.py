"""Conditional GET for what readers and scripts fetch again and again: feeds, calendars, the
sitemap and exports get an ETag (and a Last-Modified where the view knows one), and a client
whose copy is still current gets 304 Not Modified without the body."""

from __future__ import annotations

from flask import Flask, Response, request

CONDITIONAL_MIMETYPES = frozenset({
    "application/rss+xml",
    "application/atom+xml",
    "text/calendar",
    "application/xml",  # the sitemap
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
})  # fmt: skip


def make_conditional(response: Response) -> Response:
    """Give `response` an ETag (a hash of its body unless the view set one) and answer 304 when
    the request's If-None-Match or If-Modified-Since shows the client has this version."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.direct_passthrough:
        return response
    if response.mimetype not in CONDITIONAL_MIMETYPES:
        return response
    response.add_etag()
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Apply `make_conditional` to every response, after the view."""
    app.after_request(make_conditional)
