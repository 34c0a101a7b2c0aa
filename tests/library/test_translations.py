"""Translations are one practice: listed once, a switcher on the page, never "similar" to itself."""

from __future__ import annotations

from lxml import html

from covenant_hub.library.related import related_practices
from covenant_hub.library.translations import reading_order, sort_versions
from tests.factories import make_org, make_practice, make_user
from tests.sessions import login

TITLES = {"ky": "Мектептердин чатырындагы күн панелдери", "ru": "Солнечные панели на крышах школ",
          "en": "Solar panels on school roofs"}  # fmt: skip


def _family(**fields):
    owner = make_org(name="Karakol")
    return {
        language: make_practice(
            owner,
            external_id=f"solar-{language}",
            title=title,
            language=language,
            summary="Solar panels on school roofs",
            translation_group="solar-ky",
            **fields,
        )  # fmt: skip
        for language, title in TITLES.items()
    }


def _list(client, language, query=""):
    body = client.get(f"/practices/{query}", headers={"Accept-Language": language}).get_data(as_text=True)
    page = html.fromstring(body)
    titles = [
        " ".join(a.text_content().split()) for a in page.xpath("//main//a[starts-with(@href, '/practices/')]")
    ]
    return body, titles


def test_the_list_counts_each_practice_once_in_the_readers_language(app, client):
    _family()
    make_practice(title="Bus lanes", language="en")
    for language in ("ky", "ru", "en"):
        body, titles = _list(client, language)
        assert "2 practices" in body or "2 " in body
        assert TITLES[language] in titles
        assert not {TITLES[other] for other in TITLES if other != language} & set(titles)


def test_a_filter_only_one_version_passes_shows_that_version(app, client):
    _family()
    body, titles = _list(client, "ky", "?language=en")
    assert TITLES["en"] in titles and TITLES["ky"] not in titles


def test_a_reader_of_another_language_gets_the_nearest_version(app, client):
    owner = make_org()
    make_practice(owner, external_id="w-en", title="Waste sorting", language="en", translation_group="w-en")
    make_practice(
        owner, external_id="w-ru", title="Сортировка отходов", language="ru", translation_group="w-en"
    )
    _body, titles = _list(client, "ky")
    assert "Сортировка отходов" in titles and "Waste sorting" not in titles  # ky reads ru before en


def test_an_original_without_its_own_group_is_still_one_family_with_its_translations(app, client):
    """Data from before the groups (or an import) may leave the original's group empty while its
    translations name it: the two are still one practice, and a practice alone is listed."""
    owner = make_org()
    make_practice(owner, external_id="w-en", title="Waste sorting", language="en", translation_group=None)
    make_practice(
        owner, external_id="w-ru", title="Сортировка отходов", language="ru", translation_group="w-en"
    )
    make_practice(owner, external_id="bus", title="Bus lanes", language="en", translation_group=None)
    _body, titles = _list(client, "en")
    assert "Waste sorting" in titles and "Сортировка отходов" not in titles and "Bus lanes" in titles
    _body, titles = _list(client, "ru")
    assert "Сортировка отходов" in titles and "Waste sorting" not in titles and "Bus lanes" in titles


def test_my_drafts_list_every_version(app, client):
    versions = _family(state="draft")
    author = make_user(org=versions["ky"].owner, org_role="org_admin")
    _body, titles = _list(login(client, author), "ky", "?mine=1")
    assert set(TITLES.values()) <= set(titles)


def test_the_switcher_lists_the_readers_language_first_and_marks_this_version(app, client):
    versions = _family()
    body = client.get(f"/practices/{versions['en'].id}", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    switcher = html.fromstring(body).xpath("//nav[contains(@class, 'language-versions')]")[0]
    languages = [item.get("lang") for item in switcher.xpath(".//li/*[@lang]")]
    assert languages == ["ru", "en", "ky"]
    assert switcher.xpath(".//*[@aria-current='page']")[0].get("lang") == "en"
    links = switcher.xpath(".//a/@href")
    assert links == [f"/practices/{versions['ru'].id}", f"/practices/{versions['ky'].id}"]


def test_a_draft_translation_is_not_in_the_switcher_for_the_public(app, client):
    versions = _family()
    versions["ky"].state = "draft"
    from covenant_hub.extensions import db

    db.session.commit()
    body = client.get(f"/practices/{versions['en'].id}").get_data(as_text=True)
    assert f"/practices/{versions['ky'].id}" not in body


def test_similar_practices_never_offer_a_translation_and_show_others_once(app):
    versions = _family()
    other = make_org()
    make_practice(other, external_id="o-en", title="Solar panels on school roofs in Osh", language="en",
                  summary="Solar panels on school roofs", translation_group="o-en")  # fmt: skip
    make_practice(other, external_id="o-ru", title="Solar panels on school roofs (ru)", language="ru",
                  summary="Solar panels on school roofs", translation_group="o-en")  # fmt: skip
    related = related_practices(versions["en"])
    assert [p.translation_group for p in related] == ["o-en"]


def test_reading_order_and_sorting():
    assert reading_order("ky") == ("ky", "ru", "en")
    assert reading_order(None)[0] == "en"
    assert reading_order("de")[0] == "de"

    class V:
        def __init__(self, language, id):
            self.language, self.id = language, id

    assert [v.language for v in sort_versions([V("en", 1), V("ky", 2), V("ru", 3)], "ky")] == [
        "ky",
        "ru",
        "en",
    ]
