"""The list with its filters, sorts and pages; the practice page; the editor and its preview."""

from __future__ import annotations

import re

from covenant_hub.extensions import db
from covenant_hub.library.models import Practice
from tests.factories import make_org, make_practice
from tests.library.conftest import draft_of
from tests.sessions import login


def _titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/practices/\d+" lang="\w+">([^<]+)</a></h2>', html)


def test_public_list_shows_only_published(world, client):
    make_practice(world.owner, title="Published one")
    draft_of(world, title="Draft one")
    draft_of(world, state="submitted", title="Submitted one")
    make_practice(world.owner, title="Archived one", state="archived")
    titles = _titles(client.get("/practices/").text)
    assert titles == ["Published one"]


def test_mine_shows_my_organisations_drafts(world, client):
    draft_of(world, title="Our draft")
    make_practice(world.other, state="draft", title="Their draft")
    login(client, world.users["member"])
    titles = _titles(client.get("/practices/?mine=1").text)
    assert "Our draft" in titles and "Their draft" not in titles


def test_filters(world, client):
    kz = make_org(name="Almaty", country="kz", kind="signatory")
    supporter_owned = make_practice(world.supporter, title="Supporter guide", sectors=["awareness_raising"])
    make_practice(
        world.owner, title="Lights KG", sectors=["public_lighting"], co2_t_per_year=50, language="ky"
    )
    make_practice(
        kz, title="Buses KZ", sectors=["transport"], co2_t_per_year=5000, cost_eur=9e6, language="ru"
    )
    assert _titles(client.get("/practices/?sector=transport").text) == ["Buses KZ"]
    assert _titles(client.get("/practices/?country=kz").text) == ["Buses KZ"]
    assert _titles(client.get("/practices/?language=ky").text) == ["Lights KG"]
    assert _titles(client.get("/practices/?org_kind=supporter").text) == [supporter_owned.title]
    assert _titles(client.get("/practices/?min_co2=100").text) == ["Buses KZ"]
    assert _titles(client.get("/practices/?max_co2=100").text) == ["Lights KG"]
    assert _titles(client.get("/practices/?max_cost=1000").text) == []
    # Nonsense values are ignored, not errors.
    response = client.get("/practices/?sector=<script>&min_co2=abc&country=kgz&sort=drop")
    assert response.status_code == 200 and len(_titles(response.text)) == 3


def test_sorts(world, client):
    make_practice(world.owner, title="B middle", co2_t_per_year=10, published=None)
    make_practice(world.owner, title="A small", co2_t_per_year=1)
    make_practice(world.owner, title="C large", co2_t_per_year=100)
    assert _titles(client.get("/practices/?sort=title").text) == ["A small", "B middle", "C large"]
    assert _titles(client.get("/practices/?sort=co2").text) == ["C large", "B middle", "A small"]
    newest = _titles(client.get("/practices/?sort=newest").text)
    assert newest[-1] == "B middle"  # no publication date sorts last


def test_pagination_keeps_the_filters(world, client, app):
    app.config["LIBRARY_PER_PAGE"] = 2
    for number in range(5):
        make_practice(world.owner, title=f"Lamp {number}", sectors=["public_lighting"])
    make_practice(world.owner, title="Other sector", sectors=["waste"])
    first = client.get("/practices/?sector=public_lighting&sort=title").text
    assert _titles(first) == ["Lamp 0", "Lamp 1"] and "Page 1 of 3" in first
    assert "page=2" in first and "sector=public_lighting" in first.split('rel="next"')[0].rsplit("href", 1)[1]
    third = client.get("/practices/?sector=public_lighting&sort=title&page=3").text
    assert _titles(third) == ["Lamp 4"]
    assert _titles(client.get("/practices/?page=99").text) == []


def test_practice_page_shows_figures_owner_contacts_and_discussions(world, client):
    practice = make_practice(
        world.owner,
        title="Boiler house",
        co2_t_per_year=300,
        cost_eur=200_000,
        body="## Steps\n\n1. **Audit**",
        tags=["heat"],
    )
    page = client.get(f"/practices/{practice.id}").text
    assert "<h2>Steps</h2>" in page and "<strong>Audit</strong>" in page
    assert "<strong>667</strong> EUR per t CO2" in page  # 200,000 / 300
    assert "<strong>3.75</strong> t CO2/year per 1,000" in page  # 300 / 80,000 * 1000
    assert "<strong>200,000</strong> Cost (EUR)" in page
    assert f'href="/orgs/{world.owner.external_id}"' in page
    assert world.users["owner_admin"].name in page
    assert world.users["member"].name not in page  # plain members are not contacts
    assert "Discussions" in page


def test_unknown_or_hidden_practice_is_404(world, client):
    assert client.get("/practices/999999").status_code == 404
    assert client.get(f"/practices/{draft_of(world).id}").status_code == 404


def test_translations_are_linked(world, client):
    source = make_practice(world.owner, title="Street lights", translation_group="g1", language="en")
    make_practice(world.owner, title="Көчө жарыгы", translation_group="g1", language="ky")
    draft_of(world, title="Уличный свет", translation_group="g1", language="ru")
    page = client.get(f"/practices/{source.id}").text
    assert 'hreflang="ky"' in page and 'hreflang="ru"' not in page  # the draft stays hidden


def test_editor_page_uses_the_preview_script_and_no_inline_script(world, client):
    login(client, world.users["member"])
    page = client.get("/practices/new").text
    assert 'src="/static/js/markdown-preview.js"' in page
    assert 'data-preview-url="/practices/preview"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def test_preview_renders_with_the_site_pipeline(world, client):
    login(client, world.users["member"])
    response = client.post("/practices/preview", json={"text": "**hi** <script>x</script> [a](javascript:x)"})
    html = response.get_json()["html"]
    assert "<strong>hi</strong>" in html and "<script>" not in html and 'href="javascript' not in html


def test_preview_needs_the_csrf_token_header(world, app_config, tmp_path):
    from covenant_hub import create_app

    session_id = world.users["member"].get_id()
    db.session.commit()  # end this app's write transaction: the second app shares the file
    app_config["WTF_CSRF_ENABLED"] = True
    strict = create_app(app_config)
    client = strict.test_client()
    with strict.app_context():
        with client.session_transaction() as session:
            session["_user_id"] = session_id
        assert client.post("/practices/preview", json={"text": "x"}).status_code == 400
        page = client.get("/practices/new").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/practices/preview", json={"text": "*x*"}, headers={"X-CSRFToken": token})
        assert response.status_code == 200 and "<em>x</em>" in response.get_json()["html"]
        db.session.remove()


def test_get_requests_do_not_write(world, client):
    practice = make_practice(world.owner)
    stamp = practice.updated_at
    client.get(f"/practices/{practice.id}")
    client.get("/practices/")
    db.session.expire_all()
    assert db.session.get(Practice, practice.id).updated_at == stamp


def _queries_for(client, app, url: str) -> int:
    from sqlalchemy import event

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_practice_page_query_count_does_not_grow_with_files_or_partners(world, client, app):
    from covenant_hub.library.models import Attachment, PracticeSignatory

    def build(partners: int):
        practice = make_practice(world.owner)
        for number in range(partners):
            partner = make_org(name=f"Partner {partners}-{number}")
            db.session.add(PracticeSignatory(practice=practice, org_id=partner.id))
            db.session.add(
                Attachment(
                    practice=practice,
                    filename=f"f{number}.pdf",
                    size=1,
                    content_type="application/pdf",
                    stored_name=f"{practice.id:08x}{number:024x}.pdf",
                )
            )
        db.session.commit()
        return practice.id

    small, large = build(1), build(8)
    for _ in range(2):  # the related-practices model is fitted once, then cached
        _queries_for(client, app, f"/practices/{small}")
    db.session.expire_all()
    first = _queries_for(client, app, f"/practices/{small}")
    db.session.expire_all()
    assert _queries_for(client, app, f"/practices/{large}") == first


def test_published_practices_of_an_organisation(world):
    from covenant_hub.library.queries import published_practices_of

    older = make_practice(world.owner, title="Older", published=None)
    newer = make_practice(world.owner, title="Newer")
    draft_of(world, title="Draft")
    make_practice(world.other, title="Someone else's")
    assert published_practices_of(world.owner.id) == [newer, older]


def test_new_form_defaults_to_the_interface_language(world, client):
    login(client, world.users["member"])
    page = client.get("/practices/new?lang=ru").text
    assert '<option selected value="ru">' in page or '<option value="ru" selected>' in page


def test_a_practice_in_another_language_can_still_be_edited(world, client):
    practice = draft_of(world, language="lv", title="Ielu apgaismojums")
    login(client, world.users["owner_admin"])
    assert 'value="lv"' in client.get(f"/practices/{practice.id}/edit").text
    response = client.post(
        f"/practices/{practice.id}/edit", data={"title": "Ielu apgaismojums LED", "language": "lv"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Practice, practice.id).title == "Ielu apgaismojums LED"
