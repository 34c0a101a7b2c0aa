"""The engine on small graphs with known answers, without an app."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from covenant_hub.matching.engine.ranker import UnknownOrganisation, diversify, recommend, score_all
from covenant_hub.matching.engine.reasons import MESSAGES, render_reason
from covenant_hub.matching.engine.records import OrgRecord
from tests.matching.builders import BISHKEK, OSH, Toy, two_clusters


def test_a_city_whose_neighbours_share_a_supporter_gets_it_first() -> None:
    toy, named = two_clusters()
    results = recommend(toy.model(), named["new"].id, "supporter", top=2)
    assert [r.org_id for r in results] == [named["s"].id, named["t"].id]
    codes = {reason["code"] for reason in results[0].reasons}
    assert "supports_neighbours" in codes


def test_every_result_carries_known_reasons() -> None:
    toy, named = two_clusters()
    model = toy.model()
    for kind in ("supporter", "signatory"):
        for result in recommend(model, named["new"].id, kind, top=5):
            assert result.reasons
            assert all(reason["code"] in MESSAGES for reason in result.reasons)


def test_distance_reason_gives_kilometres() -> None:
    toy, named = two_clusters()
    far = recommend(toy.model(), named["new"].id, "supporter", top=2)[1]
    distance = [r for r in far.reasons if r["code"] == "distance_km"]
    assert distance and 200 < distance[0]["params"]["km"] < 400


def test_already_linked_networks_are_not_proposed() -> None:
    toy, named = two_clusters()
    toy.link(named["new"], named["s"])
    results = recommend(toy.model(), named["new"].id, "supporter", top=5)
    assert named["s"].id not in [r.org_id for r in results]


def test_city_matches_are_reciprocal() -> None:
    """Both cities offer what the asker needs; only one also needs what the asker offers."""
    toy = Toy()
    asker = toy.org(needs="public lighting retrofit", offers="waste sorting schemes")
    mutual = toy.org(dlat=0.5, offers="public lighting retrofit", needs="waste sorting schemes")
    one_way = toy.org(dlat=-0.5, offers="public lighting retrofit", needs="flood defence dams")
    toy.org(dlat=2.0, offers="bicycle lanes", needs="school insulation")
    results = recommend(toy.model(), asker.id, "signatory", top=3)
    assert [r.org_id for r in results[:2]] == [mutual.id, one_way.id]
    assert results[0].score > results[1].score


def test_published_practice_is_a_reason() -> None:
    toy = Toy()
    asker = toy.org(needs="public lighting")
    doer = toy.org(dlat=0.3)
    toy.org(dlat=0.2, offers="district heating")
    toy.practice(doer, "LED public lighting in the old town", "Replaced 3000 street lights")
    results = recommend(toy.model(), asker.id, "signatory", top=2)
    assert results[0].org_id == doer.id
    titles = [r["params"].get("title") for r in results[0].reasons if r["code"] == "published_practice"]
    assert titles == ["LED public lighting in the old town"]


def test_diversify_makes_room_for_another_country() -> None:
    scores = np.array([1.0, 0.99, 0.98, 0.97, 0.95])
    groups = np.array([1, 1, 1, 1, 2])
    assert diversify(scores, groups, top=3, lam=0.8).tolist() == [0, 4, 1]
    assert diversify(scores, groups, top=3, lam=1.0).tolist() == [0, 1, 2]


def test_top_lists_are_not_all_one_country() -> None:
    toy = Toy()
    asker = toy.org("supporter", name="Asker", offers="energy audits")
    for i in range(12):
        toy.org("supporter", dlat=0.01 * i, offers="energy audits")
    other = toy.org("supporter", dlat=0.15, country="kz", offers="energy audits")
    model = toy.model()
    assert other.id in [r.org_id for r in recommend(model, asker.id, "supporter", top=10)]
    model.weights["diversity"]["lambda"] = 1.0  # pure score order: the other country misses out
    assert other.id not in [r.org_id for r in recommend(model, asker.id, "supporter", top=10)]


def test_supporter_finds_cities_it_could_support() -> None:
    toy, named = two_clusters()
    results = recommend(toy.model(), named["s"].id, "signatory", top=3)
    assert results[0].org_id == named["new"].id
    assert "not_yet_supported" in {r["code"] for r in results[0].reasons}


def test_a_city_without_coordinates_or_text_still_gets_ranked() -> None:
    toy, named = two_clusters()
    lost = toy.org(lat=None, lon=None, country=None)
    results = recommend(toy.model(), lost.id, "supporter", top=2)
    assert len(results) == 2
    # Nothing ties it to anyone: no reason may claim it is close to them in the network.
    assert all(r["code"] != "network_proximity" for result in results for r in result.reasons)


def test_unknown_requester_and_kind_are_refused() -> None:
    toy, _ = two_clusters()
    model = toy.model()
    with pytest.raises(UnknownOrganisation):
        recommend(model, 999, "supporter")
    with pytest.raises(ValueError):
        score_all(model, 1, "office")


def test_personalised_pagerank_keeps_its_mass_near_the_seed() -> None:
    toy, named = two_clusters()
    model = toy.model()
    graph = model.graph
    seed = graph.pos[named["s"].id]
    ppr = graph.personalised_pagerank({seed: 1.0}, 0.3, 30)
    assert ppr.sum() == pytest.approx(1.0)
    assert ppr[seed] > ppr[graph.pos[named["t"].id]]


def test_reasons_render_with_plural_forms_and_translation() -> None:
    many = {"code": "members_in_region", "params": {"num": 3}}
    one = {"code": "members_in_region", "params": {"num": 1}}
    assert render_reason(many) == "3 of its members are in your country"
    assert render_reason(one) == "1 of its members is in your country"
    german = {"%(km)d km away": "%(km)d km entfernt"}
    translated = render_reason(
        {"code": "distance_km", "params": {"km": 120}},
        gettext=lambda message, **params: german[message] % params,
    )
    assert translated == "120 km entfernt"
    terms = {"code": "text_match", "params": {"terms": ["lighting", "led"]}}
    assert render_reason(terms) == "Matches what you need: lighting, led"


def test_text_profiles_may_all_be_empty() -> None:
    toy = Toy()
    a = toy.org(near=BISHKEK)
    toy.org(near=OSH)
    model = toy.model()
    assert model.text.vectorizer is None
    assert len(recommend(model, a.id, "signatory")) == 1


def test_text_matches_across_inflections_in_russian_and_english() -> None:
    toy = Toy()
    asker = toy.org(needs="Модернизация уличного освещения")
    doer = toy.org(dlat=0.3, offers="Опыт: освещение улиц светодиодами")
    toy.org(dlat=0.2, offers="district heating")
    english = toy.org(dlat=0.25, needs="lights along streets")
    toy.org(dlat=0.35, offers="Street lighting retrofit")
    model = toy.model()
    assert recommend(model, asker.id, "signatory", top=1)[0].org_id == doer.id
    assert recommend(model, english.id, "signatory", top=1)[0].name == toy.orgs[-1].name


def test_cities_that_joined_the_same_day_pull_towards_one_coordinator() -> None:
    """Two coordinators at equal distance; the newcomer's same-day neighbours sit by one."""
    from datetime import date

    toy = Toy()
    west = toy.org("coordinator", name="West", lon=BISHKEK[1] - 0.5)
    east = toy.org("coordinator", name="East", lon=BISHKEK[1] + 0.5)
    for side, coordinator in ((-1, west), (1, east)):
        for i in range(3):
            toy.link(toy.org(lon=BISHKEK[1] + side * (0.4 + 0.05 * i)), coordinator, "coordinated_by")
    day = date(2017, 5, 5)
    newcomer = toy.org(joined=day)
    for i in range(3):
        toy.org(lon=BISHKEK[1] + 0.3 + 0.02 * i, joined=day)
    results = recommend(toy.model(), newcomer.id, "coordinator", top=2)
    assert results[0].org_id == east.id
    assert "joined_with_neighbours" in {r["code"] for r in results[0].reasons}


def test_a_twinned_partner_pulls_towards_its_coordinator() -> None:
    """Two coordinators at equal distance; the newcomer's twin (a joint-plan partner) chose one."""
    toy = Toy()
    west = toy.org("coordinator", name="West", lon=BISHKEK[1] - 0.5)
    east = toy.org("coordinator", name="East", lon=BISHKEK[1] + 0.5)
    members = {}
    for side, coordinator in ((-1, west), (1, east)):
        for i in range(3):
            members[side, i] = toy.org(lon=BISHKEK[1] + side * (0.4 + 0.05 * i))
            toy.link(members[side, i], coordinator, "coordinated_by")
    newcomer = toy.org()
    toy.link(members[1, 2], newcomer, "twinned_with")
    results = recommend(toy.model(), newcomer.id, "coordinator", top=2)
    assert results[0].org_id == east.id
    assert "twins_chose" in {r["code"] for r in results[0].reasons}


def _old_and_new_coordinators(newcomer_joined: date) -> tuple[Toy, OrgRecord, OrgRecord, OrgRecord]:
    """Two coordinators at equal distance: West's members joined years ago, East's lately."""
    toy = Toy()
    west = toy.org("coordinator", name="West", lon=BISHKEK[1] - 0.5)
    east = toy.org("coordinator", name="East", lon=BISHKEK[1] + 0.5)
    for i in range(3):
        old = toy.org(lon=BISHKEK[1] - 0.4 - 0.05 * i, joined=date(2009, 1, 1 + i))
        toy.link(old, west, "coordinated_by")
        new = toy.org(lon=BISHKEK[1] + 0.4 + 0.05 * i, joined=date(2016, 10 + i, 1))
        toy.link(new, east, "coordinated_by")
    newcomer = toy.org(joined=newcomer_joined)
    return toy, west, east, newcomer


def test_a_network_recruiting_lately_comes_first_with_its_reason() -> None:
    toy, _west, east, newcomer = _old_and_new_coordinators(date(2017, 1, 15))
    results = recommend(toy.model(), newcomer.id, "coordinator", top=2)
    assert results[0].org_id == east.id
    assert {"code": "recruiting_near", "params": {"num": 3, "km": 100}} in results[0].reasons


def test_lately_fades_for_a_city_that_joined_years_after() -> None:
    toy, _west, east, newcomer = _old_and_new_coordinators(date(2024, 1, 15))
    model = toy.model()
    scored = score_all(model, newcomer.id, "coordinator")
    assert float(np.max(scored.features["recruiting_near"])) < 0.01
    result = next(r for r in recommend(model, newcomer.id, "coordinator", top=2) if r.org_id == east.id)
    assert "recruiting_near" not in {r["code"] for r in result.reasons}
