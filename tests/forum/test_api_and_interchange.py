"""The read-only API (paging, what the caller may see) and groups/threads.jsonl round trips."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.forum.models import Group, Post, Thread
from covenant_hub.interchange import ImportOptions, export_folder, import_folder
from tests.factories import make_org, make_thread
from tests.sessions import login


def test_groups_api_shows_public_groups_to_anonymous_callers(client, world) -> None:
    data = client.get("/api/v1/groups").json
    titles = {item["title"] for item in data["items"]}
    assert titles == {"Energy forum", "Other group"} and data["total"] == 2
    login(client, world.users["member"])
    assert "Mayors club" in {item["title"] for item in client.get("/api/v1/groups").json["items"]}


def test_threads_api_pages_and_hides_closed_groups(client, world, closed_thread) -> None:
    for number in range(5):
        make_thread(world.public, world.users["author"], title=f"Open {number}")
    first = client.get("/api/v1/threads?per_page=2&page=1").json
    assert first["total"] == 5 and first["pages"] == 3 and len(first["items"]) == 2
    assert all(item["group"] == world.public.external_id for item in first["items"])
    assert client.get("/api/v1/threads?per_page=0").status_code == 400
    assert client.get(f"/api/v1/threads/{closed_thread.external_id}").status_code == 404
    login(client, world.users["member"])
    detail = client.get(f"/api/v1/threads/{closed_thread.external_id}").json
    assert len(detail["items"]) == 3 and detail["title"] == "Street lights in Karakol"


def test_export_then_import_gives_the_same_groups_and_threads(app, tmp_path, world) -> None:
    org = make_org(external_id="bishkek")
    thread = make_thread(world.public, world.users["author"], posts=3, title="Жылуулук")
    db.session.get(
        Post, db.session.scalars(select(Post.id).where(Post.thread_id == thread.id)).first()
    ).author_org_id = org.id
    db.session.commit()
    report = export_folder(tmp_path / "out")
    assert report is None or report
    lines = [json.loads(line) for line in (tmp_path / "out" / "threads.jsonl").read_text().splitlines()]
    thread_id = thread.external_id  # read now: the rows are deleted below
    record = next(line for line in lines if line["id"] == thread_id)
    assert record["title"] == "Жылуулук" and len(record["posts"]) == 3
    db.session.execute(Post.__table__.delete())
    db.session.execute(Thread.__table__.delete())
    db.session.execute(Group.__table__.update().values(join_policy="open", visibility="public"))
    db.session.commit()
    result = import_folder(tmp_path / "out", ImportOptions())
    assert result.ok, [str(e) for e in result.errors]
    again = db.session.scalar(select(Thread).where(Thread.external_id == thread_id))
    assert again.title == "Жылуулук" and again.post_count == 3
    assert db.session.scalar(select(func.count()).select_from(Group)) == 3
    closed = db.session.scalar(select(Group).where(Group.title == "Mayors club"))
    assert (closed.visibility, closed.join_policy) == ("members", "request")


def test_bad_thread_lines_are_rejected_with_line_and_field(app, tmp_path, world) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "threads.jsonl").write_text(
        json.dumps({"id": "t1", "group": "nowhere", "title": "x", "posts": [{"body": "hi"}]}) + "\n"
    )
    result = import_folder(folder, ImportOptions())
    assert not result.ok and "threads.jsonl:1: group" in str(result.errors[0])
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0


def test_thread_references_are_checked_against_the_file_and_the_database(app, tmp_path, world) -> None:
    folder = tmp_path / "refs"
    folder.mkdir()
    post = {"author": {"name": "A", "org": "no-such-org"}, "body": "hi"}
    lines = [
        {"id": "t1", "group": world.public.external_id, "title": "x", "posts": [post]},
        {"id": "t2", "group": "g-new", "title": "y", "practice": "nope", "posts": [{"body": "hi"}]},
    ]
    (folder / "groups.jsonl").write_text(json.dumps({"id": "g-new", "kind": "forum", "title": "New"}) + "\n")
    (folder / "threads.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    errors = [str(e) for e in import_folder(folder, ImportOptions()).errors]
    assert any("threads.jsonl:1: posts" in e and "no-such-org" in e for e in errors), errors
    assert any("threads.jsonl:2: practice" in e for e in errors), errors
    assert not any("group" in e for e in errors), errors
