"""The API's writes run the pages' services and permission checks."""

from __future__ import annotations

from sqlalchemy import select

from covenant_hub.events.models import Event
from covenant_hub.extensions import db
from covenant_hub.library.models import Practice
from tests.conftest import TEST_PASSWORD
from tests.factories import make_group, make_org, make_thread, make_user


def login(client, user) -> None:
    client.post("/account/login", data={"email": user.email, "password": TEST_PASSWORD})


DRAFT = {"title": "LED street lights", "language": "ru", "sectors": ["public_lighting"],
         "results": {"co2_t_per_year": 120}}  # fmt: skip


def test_practice_draft_is_created_and_updated_only_by_its_organisation(app, client):
    town = make_org(external_id="naryn")
    assert client.post("/api/v1/practices", json={**DRAFT, "org": "naryn"}).status_code == 401
    login(client, make_user(org=make_org()))
    assert client.post("/api/v1/practices", json={**DRAFT, "org": "naryn"}).status_code == 403
    client.post("/account/logout")
    login(client, make_user(org=town))
    created = client.post("/api/v1/practices", json={**DRAFT, "org": "naryn"})
    assert created.status_code == 201
    body = created.get_json()
    assert (body["state"], body["org"], body["results"]) == ("draft", "naryn", {"co2_t_per_year": 120})
    updated = client.put(f"/api/v1/practices/{body['id']}", json={**DRAFT, "title": "LED lights, phase 2"})
    assert updated.status_code == 200 and updated.get_json()["title"] == "LED lights, phase 2"
    stored = db.session.scalar(select(Practice.title).where(Practice.external_id == body["id"]))
    assert stored == "LED lights, phase 2"
    client.post("/account/logout")
    assert client.get(f"/api/v1/practices/{body['id']}").status_code == 404  # a draft is not public


def test_bad_practice_body_changes_nothing_and_names_the_fields(app, client):
    login(client, make_user(org=make_org(external_id="osh")))
    response = client.post("/api/v1/practices", json={**DRAFT, "org": "osh", "sectors": ["space"],
                                                      "results": {"co2_t_per_year": -1}})  # fmt: skip
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"sectors.0", "results.co2_t_per_year"}
    assert db.session.scalar(select(db.func.count()).select_from(Practice)) == 0


def test_reply_goes_through_the_forums_rules(app, client):
    thread = make_thread(make_group(join_policy="open"))
    open_reply = client.post(f"/api/v1/threads/{thread.external_id}/posts", json={"body": "Hello"})
    assert open_reply.status_code == 401
    login(client, make_user())
    reply = client.post(f"/api/v1/threads/{thread.external_id}/posts", json={"body": "Hello **all**"})
    assert reply.status_code == 201 and "<strong>all</strong>" in reply.get_json()["html"]
    thread.is_locked = True
    db.session.commit()
    locked = client.post(f"/api/v1/threads/{thread.external_id}/posts", json={"body": "Again"})
    assert locked.status_code == 403 and locked.get_json()["error"]["message"] == "This thread is locked."


def test_event_is_published_for_a_supporter_its_admin_runs(app, client):
    supporter = make_org(external_id="union", kind="supporter")
    event = {"organiser": "union", "title": "Energy days", "language": "en", "starts": "2030-05-01T10:00:00",
             "ends": "2030-05-01T12:00:00", "timezone": "Asia/Bishkek", "place": "Bishkek"}  # fmt: skip
    login(client, make_user(org=make_org(kind="supporter"), org_role="org_admin"))
    assert client.post("/api/v1/events", json=event).status_code == 403
    client.post("/account/logout")
    login(client, make_user(org=supporter, org_role="org_admin"))
    created = client.post("/api/v1/events", json=event)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["state"] == "published"
    assert created.get_json()["starts_at"].startswith("2030-05-01T04:00:00")  # 10:00 in Bishkek, UTC+6
    listed = client.get("/api/v1/events").get_json()
    assert [item["title"] for item in listed["items"]] == ["Energy days"]
    backwards = client.post("/api/v1/events", json={**event, "ends": "2030-05-01T09:00:00"})
    assert backwards.status_code == 400
    assert db.session.scalar(select(db.func.count()).select_from(Event)) == 1
