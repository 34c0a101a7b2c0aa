"""Personal API tokens: `Authorization: Bearer` acts as the owner, within the token's scopes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from covenant_hub.accounts import api_tokens
from covenant_hub.accounts.api_tokens import ApiToken
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.matching.models import MatchRequest
from tests.conftest import TEST_PASSWORD
from tests.factories import make_user
from tests.matching.test_workflow import seed
from tests.matching.test_workflow_api import BODY

RECOMMENDATIONS = "/api/v1/orgs/kant/recommendations?kind=supporter"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """CSRF on, as in production: token requests must get through without it."""
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


@pytest.fixture
def city_admin(app):
    orgs = seed()
    return make_user(org=orgs["city"], org_role="org_admin")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def new_secret(user, *, write: bool = False, days: int = 30) -> str:
    return api_tokens.create_token(user, "script", write=write, days=days).secret


def match_requests() -> int:
    return db.session.scalar(select(func.count()).select_from(MatchRequest))


def test_a_token_reads_as_its_owner(client, city_admin):
    assert client.get(RECOMMENDATIONS).status_code == 401
    response = client.get(RECOMMENDATIONS, headers=bearer(new_secret(city_admin)))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["items"][0]["id"] == "energy-agency"


def test_a_write_token_writes_without_csrf(client, city_admin):
    secret = new_secret(city_admin, write=True)
    response = client.post("/api/v1/match-requests", json=BODY, headers=bearer(secret))
    assert response.status_code == 201, response.get_json()
    assert match_requests() == 1


def test_a_read_token_may_not_write(client, city_admin):
    response = client.post("/api/v1/match-requests", json=BODY, headers=bearer(new_secret(city_admin)))
    assert response.status_code == 403
    assert "write" in response.get_json()["error"]["message"]
    assert match_requests() == 0


def test_a_cookie_request_still_needs_csrf(client, city_admin, app):
    app.config["WTF_CSRF_ENABLED"] = False  # log in without fetching the form's token
    client.post("/account/login", data={"email": city_admin.email, "password": TEST_PASSWORD})
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/api/v1/match-requests", json=BODY)
    assert refused.status_code == 400 and "error" in refused.get_json()
    assert match_requests() == 0


def _expire(token: ApiToken) -> None:
    token.expires_at = utcnow() - timedelta(seconds=1)


def _revoke(token: ApiToken) -> None:
    api_tokens.revoke_token(token.user, token.id)


def _disable(token: ApiToken) -> None:
    token.user.disabled_at = utcnow()


@pytest.mark.parametrize("spoil", [_expire, _revoke, _disable], ids=["expired", "revoked", "disabled"])
def test_a_spoilt_token_is_refused(client, city_admin, spoil):
    created = api_tokens.create_token(city_admin, "script", write=True, days=30)
    assert client.get(RECOMMENDATIONS, headers=bearer(created.secret)).status_code == 200
    spoil(created.token)
    db.session.commit()
    for response in (
        client.get(RECOMMENDATIONS, headers=bearer(created.secret)),
        client.post("/api/v1/match-requests", json=BODY, headers=bearer(created.secret)),
    ):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["error"]["code"] == 401
    assert match_requests() == 0


def test_an_unknown_token_is_refused_even_with_a_session(client, city_admin, app):
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/account/login", data={"email": city_admin.email, "password": TEST_PASSWORD})
    assert client.get(RECOMMENDATIONS).status_code == 200  # the session alone works
    for secret in ("chub_not-a-token", "", "x" * 500):
        assert client.get(RECOMMENDATIONS, headers=bearer(secret)).status_code == 401


def test_only_a_keyed_hash_is_stored(client, city_admin):
    created = api_tokens.create_token(city_admin, "script", write=False, days=30)
    row = db.session.get(ApiToken, created.token.id)
    assert created.secret.startswith("chub_") and len(created.secret) > 40
    assert created.secret not in (row.digest, row.shown) and row.shown == created.secret[:11]
    assert row.digest == api_tokens.token_digest(created.secret)


def test_use_is_noted_and_no_cookie_is_set(client, city_admin):
    created = api_tokens.create_token(city_admin, "script", write=False, days=30)
    assert created.token.last_used_at is None
    response = client.get(RECOMMENDATIONS, headers=bearer(created.secret))
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    db.session.refresh(created.token)
    assert created.token.last_used_at is not None


@pytest.fixture
def limited(app_config: dict[str, Any]) -> dict[str, Any]:
    """Low limits per hour, so that no test can slip into a fresh window."""
    app_config.update({
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_API_PER_CLIENT": "4 per hour",
        "RATELIMIT_API_PER_TOKEN": "2 per hour",
        "RATELIMIT_SEARCH_PER_CLIENT": "2 per hour",
    })  # fmt: skip
    return app_config


def _refused_with_retry_after(response) -> bool:
    return response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_a_token_is_limited_apart_from_its_client(limited, client, city_admin):
    first, second = new_secret(city_admin), new_secret(city_admin)
    assert [client.get(RECOMMENDATIONS, headers=bearer(first)).status_code for _ in range(2)] == [200, 200]
    refused = client.get(RECOMMENDATIONS, headers=bearer(first))
    assert _refused_with_retry_after(refused)
    assert refused.get_json()["error"]["code"] == 429
    # Another token from the same client still has its own allowance, until the client's is spent.
    assert client.get(RECOMMENDATIONS, headers=bearer(second)).status_code == 200
    assert _refused_with_retry_after(client.get(RECOMMENDATIONS, headers=bearer(second)))


def test_a_client_is_limited_on_the_api(limited, client, city_admin):
    assert [client.get("/api/v1/groups").status_code for _ in range(4)] == [200] * 4
    assert _refused_with_retry_after(client.get("/api/v1/groups"))
    assert _refused_with_retry_after(client.get(RECOMMENDATIONS, headers=bearer(new_secret(city_admin))))
    other = client.get("/api/v1/groups", environ_overrides={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


def test_a_client_is_limited_on_the_search_page(limited, client):
    assert [client.get("/search?q=lighting").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/search?q=lighting")
    assert _refused_with_retry_after(refused)
    assert client.get("/").status_code == 200  # other pages are not limited


def test_require_scope_refuses_a_token_without_it(app, city_admin):
    from covenant_hub.api.auth import authenticate_request, require_scope

    view = require_scope("write")(lambda: "written")
    with app.test_request_context("/api/v1/groups", headers=bearer(new_secret(city_admin))):
        assert authenticate_request() is None  # a read token may read
        body, code = view()
        assert code == 403 and "write" in body.get_json()["error"]["message"]
    with app.test_request_context("/api/v1/groups", headers=bearer(new_secret(city_admin, write=True))):
        assert authenticate_request() is None
        assert view() == "written"


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data", "application/x-www-form-urlencoded", "text/plain"]
)
def test_a_write_whose_body_is_not_json_is_refused_clearly(client, city_admin, content_type):
    """Without CSRF in the way (a token, or no session at all) a form body reached the view,
    which the schema layer hands no JSON model, and the view failed with 500."""
    body = b'{"org": "kant", "text": "LED"}'
    for headers in ({"Content-Type": content_type, **bearer(new_secret(city_admin, write=True))},
                    {"Content-Type": content_type, "Accept-Language": "ru"}):  # fmt: skip
        response = client.post("/api/v1/match-requests", data=body, headers=headers)
        assert response.status_code == 400, response.get_json()
        assert "JSON" in response.get_json()["error"]["message"]
    assert match_requests() == 0
