"""What the usability review fixed: the home page leads to every feature, codes show as names."""

from __future__ import annotations

from covenant_hub.search.engine.highlight import snippet
from covenant_hub.search.labels import facet_label
from tests.factories import make_org, make_practice


def test_home_page_has_a_search_box_and_a_link_to_every_feature(client) -> None:
    page = client.get("/", query_string={"lang": "ky"}).get_data(as_text=True)
    assert 'id="home-q"' in page and "Тажрыйбаларды, талкууларды" in page
    for path in ("/practices/", "/forum/", "/events/", "/programme/", "/matching/", "/orgs/"):
        assert f'href="{path}"' in page, path


def test_country_codes_are_shown_as_names_in_the_page_language(app, client) -> None:
    make_practice(org=make_org(name="Нарын шаары", country="kg"), title="Жылуулоо", state="published")
    with app.test_request_context("/?lang=ru"):
        assert facet_label("country", "kg") == "Кыргызстан"
    listing = client.get("/practices/", query_string={"lang": "ru"}).get_data(as_text=True)
    assert '<option value="kg" >Кыргызстан</option>' in listing
    assert "· KG" not in listing and "· Кыргызстан" in listing


def test_search_snippets_leave_out_markdown_markers() -> None:
    text = "Intro. ## Results\n**700** t of CO2 saved, ticket #5"
    assert snippet(text, "en", set()) == "Intro. Results\n700 t of CO2 saved, ticket #5"


def test_matching_reasons_show_the_words_people_wrote_not_stems() -> None:
    from covenant_hub.matching.engine.text import analyse, readable_terms

    text = "Мы планируем заменить уличное освещение и ищем город, который это уже сделал."
    stems = analyse("замену уличного освещения") + ["город", "unknownstem"]
    # Content words as written; "город" says nothing about the need, a bare stem is no word.
    assert readable_terms(text, stems) == ["заменить", "уличное", "освещение"]


def test_audit_details_are_labelled_in_the_page_language(app) -> None:
    from covenant_hub.programme.labels import audit_detail

    with app.test_request_context("/?lang=ru"):
        assert audit_detail("public", False) == "Публично: Нет"
        assert audit_detail("reason", "spam") == "Причина: spam"


def test_practice_form_offers_a_checkbox_per_sector(client) -> None:
    from tests.factories import make_user
    from tests.sessions import login

    login(client, make_user(org=make_org(name="Talas")))
    page = client.get("/practices/new", query_string={"lang": "ky"}).get_data(as_text=True)
    assert 'type="checkbox" value="transport"' in page and "<legend>Тармактар</legend>" in page


def test_imported_threads_show_who_started_them(client) -> None:
    from tests.factories import make_group, make_thread

    group = make_group(title="Шаар форуму")
    make_thread(group, author=None, posts=2, title="Көчө жарыгы")  # posts signed "Guest", no account
    page = client.get(f"/forum/g/{group.id}").get_data(as_text=True)
    assert "<td>Guest</td>" in page
