"""/api/v1/match-requests and /api/v1/orgs/<id>/recommendations: JSON in, JSON out, clear errors."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.matching import workflow
from covenant_hub.matching.models import MatchRequest
from tests.factories import make_user
from tests.matching.test_workflow import request_input, seed
from tests.sessions import login

BODY = {
    "org": "kant",
    "text": "LED street lighting",
    "kinds": ["supporter"],
    "languages": ["ru"],
    "sectors": ["public_lighting"],
    "max_km": 300,
}


def test_create_and_read_a_request(app, client):
    orgs = seed()
    login(client, make_user(org=orgs["city"], org_role="org_admin", language="ru"))
    created = client.post("/api/v1/match-requests", json=BODY, headers={"Accept-Language": "ru"})
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    first = data["proposals"][0]
    assert first["id"] == "energy-agency" and isinstance(first["score"], float)
    assert first["reasons"][0]["code"] and len(first["reasons_text"]) == len(first["reasons"])
    assert any("км" in text for p in data["proposals"] for text in p["reasons_text"])  # the user's language
    again = client.get(f"/api/v1/match-requests/{data['id']}").get_json()
    assert again["proposals"] == data["proposals"]


def test_a_request_says_its_times_with_their_offset(app, client):
    """RFC 3339 date-times, as documented: SQLite gives stored times back without one."""
    orgs = seed()
    login(client, make_user(org=orgs["city"], org_role="org_admin"))
    created = client.post("/api/v1/match-requests", json=BODY).get_json()
    again = client.get(f"/api/v1/match-requests/{created['id']}").get_json()
    listed = client.get("/api/v1/match-requests").get_json()["items"][0]
    for answer in (created, again, listed):
        for name in ("created_at", "refreshed_at"):
            assert datetime.fromisoformat(answer[name]).utcoffset() is not None, (name, answer[name])


def test_errors_are_clear_json(app, client):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input())
    anonymous = client.post("/api/v1/match-requests", json=BODY)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == 401
    assert client.get(f"/api/v1/match-requests/{request.id}").status_code == 401
    login(client, make_user(org=orgs["city"]))  # a plain member
    assert client.post("/api/v1/match-requests", json=BODY).status_code == 403
    assert client.get(f"/api/v1/match-requests/{request.id}").status_code == 403
    assert client.get("/api/v1/match-requests/999").status_code == 404
    client.post("/account/logout")
    login(client, admin)
    for body, code in (
        ([1, 2], 400),
        ({**BODY, "org": "nowhere"}, 404),
        ({**BODY, "text": ""}, 400),
        ({**BODY, "kinds": "supporter"}, 400),
        ({**BODY, "max_km": "far"}, 400),
        ({**BODY, "kinds": ["office"]}, 400),
    ):
        response = client.post("/api/v1/match-requests", json=body)
        assert response.status_code == code, (body, response.get_json())
        assert response.get_json()["error"]["message"]
    assert db.session.scalar(select(db.func.count()).select_from(MatchRequest)) == 1


def test_recommendations_for_members(app, client):
    orgs = seed()
    assert client.get("/api/v1/orgs/kant/recommendations?kind=supporter").status_code == 401
    login(client, make_user(org=orgs["city"]))
    response = client.get("/api/v1/orgs/kant/recommendations?kind=supporter&top=3")
    items = response.get_json()["items"]
    assert response.status_code == 200 and items[0]["id"] == "energy-agency"
    assert items[0]["reasons_text"]
    assert client.get("/api/v1/orgs/kant/recommendations?kind=moon").status_code == 400
    assert client.get("/api/v1/orgs/kant/recommendations?kind=supporter&top=0").status_code == 400
    assert client.get("/api/v1/orgs/nowhere/recommendations?kind=supporter").status_code == 404


def test_csrf_stays_on_for_the_api(app, client):
    orgs = seed()
    login(client, make_user(org=orgs["city"], org_role="org_admin"))
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/api/v1/match-requests", json=BODY)
    assert refused.status_code == 400 and "error" in refused.get_json()
    assert db.session.scalar(select(db.func.count()).select_from(MatchRequest)) == 0
    page = client.get("/matching/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    accepted = client.post("/api/v1/match-requests", json=BODY, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201
