"""Request bodies the app did not read are read to their end before the answer goes out.

A view that refuses a request early (413 past MAX_CONTENT_LENGTH, a redirect to the login page,
a 404) leaves the body unread. gunicorn then closes a socket with unread data in it, the kernel
resets the connection, and a client still sending its 17 MB upload sees "connection reset"
instead of the 413 page; with keep-alive the leftover bytes would even be read as the next
request. So the rest of the body is read and thrown away, up to config MAX_DRAIN_LENGTH; a
body larger than that is not worth reading, and its answer says `Connection: close`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

CHUNK = 64 * 1024
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _declared_length(environ: dict[str, Any]) -> int | None:
    """The body's Content-Length; None for a chunked body, 0 when there is none."""
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    try:
        return max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def drain(stream: Any, limit: int) -> bool:
    """Read `stream` to its end, at most `limit` bytes; True when its end was reached."""
    left = limit
    while left > 0:
        chunk = stream.read(min(CHUNK, left))
        if not chunk:
            return True
        left -= len(chunk)
    return not stream.read(1)


class DrainRequestBody:
    """WSGI middleware: after the app has answered, and before the server sends the answer, read
    what is left of the request body (gunicorn writes nothing before the first body chunk)."""

    def __init__(self, app: WSGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = _declared_length(environ)
        if length == 0:
            return self.app(environ, start_response)
        too_long = length is not None and length > self.limit
        stream = environ["wsgi.input"]

        def _start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            if too_long:
                headers = [(k, v) for k, v in headers if k.lower() != "connection"]
                headers.append(("Connection", "close"))
            return start_response(status, headers, *args)

        result = self.app(environ, _start_response)
        if not too_long:
            drain(stream, self.limit)
        return result
