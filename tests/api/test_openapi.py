"""/api/v1/openapi.json is valid OpenAPI 3.1 covering every API route; /api/docs serves it locally."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from covenant_hub.security import CONTENT_SECURITY_POLICY


def test_openapi_document_is_valid_3_1_and_covers_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    documented = {
        (re.sub(r"\{(\w+)\}", r"<\1>", path), method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    routes = {
        (re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"<\1>", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi_json"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == documented
    for operations in document["paths"].values():
        for operation in operations.values():
            assert {"400", "401", "403", "404", "429"} <= set(operation["responses"])


def test_docs_page_loads_swagger_ui_from_our_origin_under_the_site_csp(client):
    response = client.get("/api/docs")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert "<script>" not in html  # the start-up code is a file, as the CSP requires
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        assert client.get(f"/static/vendor/swagger-ui-5.35.0/{asset}").status_code == 200


def test_validation_errors_use_the_envelope_in_the_callers_language(client):
    response = client.get("/api/v1/orgs?per_page=abc&kind=town", headers={"Accept-Language": "ru"})
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == 400
    assert error["fields"] == {"per_page": "Введите целое число.", "kind": error["fields"]["kind"]}
    assert error["fields"]["kind"].startswith("Допустимые значения: signatory")


def test_unknown_body_fields_are_refused_by_name(app, client):
    response = client.post("/api/v1/match-requests", json={"org": "x", "text": "t", "kinds": ["supporter"],
                                                           "colour": "red"})  # fmt: skip
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"colour": "This field is not known here."}


def test_stored_times_are_written_with_their_offset(app, client):
    """SQLite gives times back without the offset; the API said "2026-12-02T14:36:04" (not RFC 3339)."""
    from tests.factories import make_group, make_thread

    make_thread(make_group())
    thread = client.get("/api/v1/threads").get_json()["items"][0]
    post = client.get("/api/v1/posts").get_json()["items"][0]
    for moment in (thread["created"], thread["last_post"], post["created"]):
        assert moment.endswith("Z") or moment.endswith("+00:00"), moment
