"""Who is calling the API: a personal token in `Authorization: Bearer`, or the browser session.

A request with a Bearer token is authenticated by the token alone (a session cookie sent with
it is ignored) and gets 401 when the token is unknown, expired, revoked or its account is
disabled. It needs no CSRF token: no other site can make a browser send that header. A
request that a session cookie authenticates keeps CSRF protection (browsers send the token as
X-CSRFToken). A token request that changes something needs the `write` scope; views may also
ask for a scope themselves with `require_scope`.

Limits: every API request counts against its client address, and a token request also
against its token, so a token shared by many machines cannot go faster than one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from covenant_hub.accounts import api_tokens
from covenant_hub.accounts.api_tokens import ApiToken
from covenant_hub.api.blueprint import bp
from covenant_hub.errors import error_response
from covenant_hub.extensions import csrf, limiter, login_manager
from covenant_hub.inputs import json_body

View = TypeVar("View", bound=Callable[..., Any])
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_KEY_CHARS = 32  # of the token's digest: enough to keep tokens' counters apart


def bearer_secret() -> str | None:
    """The token in `Authorization: Bearer <token>`, or None when the request carries none."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


def current_token() -> ApiToken | None:
    """The token this request was authenticated with; None for session and anonymous calls."""
    return g.get("api_token")


def has_scope(scope: str) -> bool:
    """May this request act with `scope`? A token only within its scopes; a browser session
    (or an anonymous caller, whom the views' own permission checks then refuse) always."""
    token = current_token()
    return token is None or scope in token.scope_set


def require_scope(scope: str) -> Callable[[View], View]:
    """Decorate an API view: a token without `scope` is refused with 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not has_scope(scope):
                return _missing_scope(scope)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def _missing_scope(scope: str) -> Any:
    return error_response(
        403,
        _(
            "This API token does not have the %(scope)s scope. Create a token with it on your profile page.",
            scope=scope,
        ),
    )


def _invalid_token() -> Any:
    body, code = error_response(
        401, _("The API token is not valid: it is unknown, expired or revoked, or its account is disabled.")
    )
    return body, code, {"WWW-Authenticate": 'Bearer realm="Covenant Hub", error="invalid_token"'}


def _csrf_checks_on() -> bool:
    config = current_app.config
    return bool(config.get("WTF_CSRF_ENABLED", True) and config.get("WTF_CSRF_CHECK_DEFAULT", True))


def authenticate_request() -> Any:
    """Before every API view: the token's owner becomes the current user, or CSRF is checked
    for a request the session cookie authenticates."""
    secret = bearer_secret()
    if secret is None:
        if _csrf_checks_on() and current_user.is_authenticated:
            csrf.protect()
        return None
    token = api_tokens.authenticate(secret)
    if token is None:
        return _invalid_token()
    # As login_user does, but for this request only: nothing goes into the session cookie.
    login_manager._update_request_context_with_user(token.user)
    g.api_token = token
    if request.method not in SAFE_METHODS and not has_scope("write"):
        return _missing_scope("write")
    return None


def refuse_body_that_is_not_json() -> Any:
    """Before every API view: a write must send JSON. The schema layer hands a view no body
    model for a form or text body, so such a request would fail inside the view (500)."""
    if request.method in SAFE_METHODS or not request.mimetype:
        return None
    if request.mimetype == "application/json" or request.mimetype.endswith("+json"):
        if request.get_data(cache=True):
            json_body()  # unreadable, too deep or too large: the 400/413 that says so, before
            # the schema layer reads it as "no body" and reports every field missing
        return None
    return error_response(400, _("Send the body as JSON, with the header Content-Type: application/json."))


def token_key() -> str:
    """The per-token limit's key: part of the token's stored digest, never the token itself."""
    return "api-token:" + api_tokens.token_digest(bearer_secret() or "")[:TOKEN_KEY_CHARS]


def _without_token() -> bool:
    return not bearer_secret()


def _client_limit() -> str:
    return str(current_app.config["RATELIMIT_API_PER_CLIENT"])


def _token_limit() -> str:
    return str(current_app.config["RATELIMIT_API_PER_TOKEN"])


# Once, when the API's modules are imported (the blueprint is shared by every app built):
# this module authenticates the API's requests, so the CSRF check moves here too.
csrf.exempt(bp)
bp.before_request(authenticate_request)
bp.before_request(refuse_body_that_is_not_json)  # after authentication: a forged form gets 400 CSRF
limiter.shared_limit(_client_limit, scope="api-client", key_func=get_remote_address)(bp)
limiter.shared_limit(_token_limit, scope="api-token", key_func=token_key, exempt_when=_without_token)(bp)
