"""Related practices come from text similarity over published titles and summaries."""

from __future__ import annotations

from covenant_hub.library.related import EXTENSION_KEY, related_practices
from tests.factories import make_practice
from tests.library.conftest import draft_of


def test_similar_texts_rank_first_and_hidden_ones_never_show(world, app):
    lights = make_practice(
        world.owner, title="LED street lighting", summary="Replacing sodium street lamps with LED"
    )
    lamps = make_practice(
        world.other, title="Street lamps to LED", summary="LED street lighting with dimming"
    )
    make_practice(world.other, title="Composting market waste", summary="Organic waste from bazaars")
    make_practice(world.other, title="Bus lanes", summary="Dedicated lanes for buses")
    draft_of(world, title="LED street lighting draft", summary="LED street lamps sodium")
    related = related_practices(lights)
    assert related[0] == lamps
    assert lights not in related
    assert all(p.state == "published" for p in related)


def test_translations_of_the_same_practice_are_not_related(world, app):
    source = make_practice(world.owner, title="LED lighting", summary="LED lighting", translation_group="g")
    make_practice(world.owner, title="LED lighting!", summary="LED lighting", translation_group="g")
    other = make_practice(world.other, title="LED lighting in schools", summary="LED lighting")
    assert related_practices(source) == [other]


def test_the_model_is_cached_and_refitted_after_a_publication(world, app):
    first = make_practice(world.owner, title="Solar water heaters", summary="Solar collectors for hot water")
    make_practice(world.other, title="Heat pumps", summary="Heat pumps for pools")
    related_practices(first)
    model = app.extensions[EXTENSION_KEY]
    related_practices(first)
    assert app.extensions[EXTENSION_KEY] is model  # nothing changed: same fitted model
    newcomer = make_practice(
        world.other, title="Solar hot water for kindergartens", summary="Solar collectors for hot water"
    )
    assert related_practices(first)[0] == newcomer
    assert app.extensions[EXTENSION_KEY] is not model


def test_with_too_few_practices_there_is_nothing_related(world, app):
    assert related_practices(make_practice(world.owner)) == []


def test_related_practices_are_on_the_page(world, client):
    lights = make_practice(world.owner, title="LED street lighting", summary="sodium lamps to LED")
    make_practice(world.other, title="LED street lamps in Tartu", summary="sodium lamps to LED lamps")
    page = client.get(f"/practices/{lights.id}").text
    assert "Related practices" in page and "LED street lamps in Tartu" in page
