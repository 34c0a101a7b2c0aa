"""The results' language filter (`doc_lang`) is not the interface language (`lang`)."""

from __future__ import annotations

from tests.factories import make_practice


def _results(client, url: str) -> str:
    return client.get(url, follow_redirects=True).get_data(as_text=True)


def test_the_russian_facet_filters_results_and_leaves_a_kyrgyz_interface_kyrgyz(app, client):
    russian = make_practice(title="Солнечный парк", summary="Солнечный парк в городе", language="ru")
    english = make_practice(title="Solar park", summary="Солнечный парк solar", language="en")
    client.get("/?lang=ky")
    page = _results(client, "/search?q=Солнечный")
    assert '<html lang="ky">' in page
    assert "doc_lang=ky" in page and "&amp;lang=" not in page  # "Only my language" filters by doc_lang
    filtered = _results(client, "/search?q=Солнечный&doc_lang=ru")
    assert '<html lang="ky">' in filtered  # still Kyrgyz
    assert f'href="/practices/{russian.id}"' in filtered and f'href="/practices/{english.id}"' not in filtered
    assert '<html lang="ky">' in _results(client, "/")  # and it stays Kyrgyz


def test_an_old_facet_link_with_lang_filters_and_does_not_switch_the_interface(app, client):
    make_practice(title="Солнечный парк", summary="Солнечный парк", language="ru")
    client.get("/?lang=ky")
    response = client.get("/search?q=парк&lang=ru")
    assert response.status_code == 301
    assert "doc_lang=ru" in response.headers["Location"] and "lang=ru&" not in response.headers["Location"]
    page = _results(client, "/search?q=парк&lang=ru")
    assert '<html lang="ky">' in page
    assert '<html lang="ky">' in _results(client, "/")
