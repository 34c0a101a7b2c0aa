"""The search page and API: what each viewer may find, facets, snippets, the database fallback."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.forum.models import Post
from covenant_hub.search.service import get_service
from tests.factories import make_group, make_group_member, make_practice, make_thread, make_user
from tests.sessions import login


def api(client, **args):
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 200
    return response.get_json()


def ids(data) -> set[str]:
    return {item["id"] for item in data["results"]}


def test_search_page_lists_results_as_links_with_escaped_highlighted_snippets(app, client):
    practice = make_practice(
        title="Street lighting retrofit", summary="LED lamps <script>x</script> in streets"
    )
    html = client.get("/search?q=lighting").get_data(as_text=True)
    assert f'href="/practices/{practice.id}"' in html
    assert "<mark>" in html
    assert "<script>x" not in html and "&lt;script&gt;" in html


def test_kyrgyz_inflected_query_finds_the_base_form(app, client):
    make_practice(title="Шаардын көчөлөрүн жарыктандыруу", summary="Шаар жарык", language="ky")
    data = api(client, q="шаарлардын")
    assert data["total"] == 1 and data["results"][0]["type"] == "practice"


def test_facets_filter_and_count(app, client):
    make_practice(title="Solar park", sectors=["local_electricity"])
    make_thread(make_group(), title="Solar park questions")
    data = api(client, q="solar")
    assert dict(map(tuple, data["facets"]["type"]))["practice"] == 1
    assert dict(map(tuple, data["facets"]["type"]))["thread"] == 1
    only = api(client, q="solar", type="practice")
    assert {item["type"] for item in only["results"]} == {"practice"}
    html = client.get("/search?q=solar").get_data(as_text=True)
    assert "type=practice" in html  # a facet value is a link


def test_did_you_mean_is_offered_for_a_misspelling(app, client):
    make_practice(title="Street lighting", summary="lighting of streets")
    data = api(client, q="ligthing")
    assert data["suggestion"] == "lighting"
    assert "Did you mean" in client.get("/search?q=ligthing").get_data(as_text=True)


def test_drafts_are_found_only_by_their_author_and_organisation(app, client):
    author = make_user()
    practice = make_practice(title="Draft biogas plant", state="draft", published=None, author_id=author.id)
    assert ids(api(client, q="biogas")) == set()
    assert ids(api(login(client, make_user()), q="biogas")) == set()
    assert ids(api(login(client, author), q="biogas")) == {practice.external_id}
    member = make_user(org=practice.owner)
    assert ids(api(login(client, member), q="biogas")) == {practice.external_id}


def test_hidden_and_deleted_posts_are_not_found(app, client):
    thread = make_thread(make_group(), posts=2, title="Boilers")
    posts = list(db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.id)))
    posts[0].body, posts[1].body = "secret hiddenword", "deletedword"
    db.session.commit()
    assert api(client, q="hiddenword OR deletedword")["total"] >= 2  # found while visible...
    posts[0].state, posts[1].state = "hidden", "deleted"
    db.session.commit()
    staff = make_user(role="staff")
    for viewer in (None, make_user(), staff):
        data = api(login(client, viewer), q="hiddenword OR deletedword")
        assert data["total"] == 0


def test_members_only_groups_are_found_only_by_their_members(app, client):
    group = make_group(visibility="members", join_policy="request")
    make_thread(group, title="Closed club tariffs")
    member = make_user()
    make_group_member(group, member)
    assert api(client, q="tariffs")["total"] == 0
    assert api(login(client, make_user()), q="tariffs")["total"] == 0
    assert api(login(client, member), q="tariffs")["total"] >= 1


def test_search_within_a_group(app, client):
    group, other = make_group(), make_group()
    make_thread(group, title="Biomass boilers here")
    make_thread(other, title="Biomass boilers there")
    data = api(client, q="biomass", group=str(group.id), type="thread")
    assert [item["title"] for item in data["results"]] == ["Biomass boilers here"]


def test_bad_query_syntax_and_paging_never_fail(app, client):
    for args in (
        {"q": '"unclosed AND (OR'},
        {"q": "x", "page": "abc"},
        {"q": "x", "page": "99999"},
        {"q": "x", "sort": "bogus", "type": "nope"},
    ):
        assert client.get("/search", query_string=args).status_code == 200
        assert client.get("/api/v1/search", query_string=args).status_code == 200


def test_corrupted_index_answers_from_the_database_with_a_notice(app, client):
    practice = make_practice(title="Hydropower micro plant")
    service = get_service(app)
    assert api(client, q="hydropower")["total"] == 1  # index built and used
    service.mode = "off"  # keep the rebuild from repairing it before we look
    service.index.close()
    for toc in Path(app.config["INDEX_DIR"]).glob("*.toc"):
        toc.write_bytes(b"garbage")
    service._healthy = None
    data = api(client, q="hydropower")
    assert data["degraded"] and ids(data) == {practice.external_id}
    html = client.get("/search?q=hydropower").get_data(as_text=True)
    assert "Search is being rebuilt" in html and "Hydropower" in html


def test_a_damaged_index_is_rebuilt(app, client):
    make_practice(title="Tram line electrification")
    service = get_service(app)
    api(client, q="tram")
    service.index.close()
    for toc in Path(app.config["INDEX_DIR"]).glob("*.toc"):
        toc.unlink()
    service._healthy = None
    api(client, q="tram")  # detects it; inline mode rebuilds before answering the next search
    service._checked_at = None  # never checked: the next use checks again
    assert service.healthy()
    assert api(client, q="tram")["total"] == 1 and not api(client, q="tram")["degraded"]


def test_an_error_while_searching_answers_from_the_database_instead_of_failing(app, client, monkeypatch):
    practice = make_practice(title="Smart meters rollout")
    service = get_service(app)
    api(client, q="meters")

    def broken(_query):
        raise OSError("read error")

    monkeypatch.setattr(service.index, "search", broken)
    data = api(client, q="meters")
    assert data["degraded"] and ids(data) == {practice.external_id}


def test_the_database_fallback_folds_cyrillic_case(app, client, monkeypatch):
    practice = make_practice(title="Күн панелдери мектептин чатырында")
    service = get_service(app)

    def broken(_query):
        raise OSError("read error")

    monkeypatch.setattr(service.index, "search", broken)
    data = api(client, q="КҮН ПАНЕЛДЕРИ")
    assert data["degraded"] and ids(data) == {practice.external_id}


def test_a_result_found_through_the_glossary_is_marked_translated(app, client):
    practice = make_practice(title="LED street lamps", summary="New lamps on every street", language="en")
    page = client.get("/search", query_string={"q": "көчө чырактары"}).get_data(as_text=True)
    assert f'href="/practices/{practice.id}"' in page and "result-translated" in page
    assert "LED <mark>street</mark> <mark>lamps</mark>" in page  # the translated words are marked
