"""Each kind of reason on a toy graph: shown for the candidate its feature lifts, and not for
one it does not lift (a reason that would hold for every candidate explains nothing)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from covenant_hub.matching.engine.model import MatchModel
from covenant_hub.matching.engine.ranker import score_all
from covenant_hub.matching.engine.reasons import MESSAGES, reasons_for, typical_values
from covenant_hub.matching.engine.records import OrgRecord
from tests.matching.builders import BISHKEK, OSH, TableEmbedder, Toy, two_clusters

ALMATY = (43.24, 76.89)


def reasons_of(model: MatchModel, asker: OrgRecord, kind: str) -> dict[int, list[dict[str, Any]]]:
    """Every candidate's reasons (not only the top few), by organisation id."""
    scored = score_all(model, asker.id, kind)
    typical = typical_values(scored)
    return {
        model.graph.ids[int(row)]: reasons_for(model, scored, position, typical)
        for position, row in enumerate(scored.request.candidates)
    }


def codes(reasons: list[dict[str, Any]]) -> list[str]:
    return [reason["code"] for reason in reasons]


def params(reasons: list[dict[str, Any]], code: str) -> dict[str, Any]:
    [found] = [reason["params"] for reason in reasons if reason["code"] == code]
    return found


def shown_and_not(
    code: str, reasons: dict[int, list[dict[str, Any]]], yes: OrgRecord, no: OrgRecord
) -> dict[str, Any]:
    """Assert `code` is among `yes`'s reasons and not among `no`'s; its parameters."""
    assert code in codes(reasons[yes.id]), reasons[yes.id]
    assert code not in codes(reasons[no.id]), reasons[no.id]
    return params(reasons[yes.id], code)


def fillers(toy: Toy, count: int, kind: str = "signatory", **fields: Any) -> list[OrgRecord]:
    """Candidates with nothing in common with the asker, so the typical candidate has nothing."""
    values: dict[str, Any] = {"near": OSH, "country": "kz", **fields}
    return [toy.org(kind, dlat=0.01 * i, **values) for i in range(count)]


# -- a city looking for cities ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("supported_by", "shared_supporter"),
        ("coordinated_by", "shared_coordinator"),
        ("exchange", "shared_partner"),
    ],
)
def test_a_shared_partner(link: str, code: str) -> None:
    toy = Toy()
    partner = toy.org("supporter", name="Partner")
    asker, yes, no = toy.org(), toy.org(dlat=0.2), toy.org(dlat=0.3)
    fillers(toy, 3)
    toy.link(asker, partner, link)
    toy.link(yes, partner, link)
    assert shown_and_not(code, reasons_of(toy.model(), asker, "signatory"), yes, no) == {"name": "Partner"}


def test_the_same_country_only_when_most_candidates_are_elsewhere() -> None:
    toy = Toy()
    asker, yes = toy.org(), toy.org(near=OSH, dlat=0.2)
    no, *_ = fillers(toy, 3)
    reasons = reasons_of(toy.model(), asker, "signatory")
    assert shown_and_not("same_country", reasons, yes, no) == {"country": "KG"}
    everyone_here = Toy()
    asker = everyone_here.org()
    others = [everyone_here.org(dlat=0.1 * i) for i in range(1, 5)]
    reasons = reasons_of(everyone_here.model(), asker, "signatory")
    assert all("same_country" not in codes(reasons[o.id]) for o in others)  # true of all: no reason


def test_text_quotes_content_words_as_the_need_wrote_them_stemmed_as_kyrgyz() -> None:
    toy = Toy()
    asker = toy.org(needs="Биздин шаарга мектептерибиздин жылуулоосу жана күн панелдери керек")
    yes = toy.org(dlat=0.2, offers="Мектептерди жылуулоо боюнча тажрыйба")
    no = toy.org(dlat=0.3, offers="Шаар жана айыл үчүн керек болгон биздин иш")  # only filler words
    fillers(toy, 3, offers="Велосипед жолдору")
    reasons = reasons_of(toy.model(), asker, "signatory")
    # The Kyrgyz stemmer meets мектептерибиздин with мектептерди (the Russian one does not).
    terms = shown_and_not("text_match", reasons, yes, no)["terms"]
    assert sorted(terms) == ["жылуулоосу", "мектептерибиздин"]


@pytest.mark.parametrize(
    ("need", "offer", "filler"),
    [
        (
            "We are a city who needs help with LED street lighting",
            "LED street lighting retrofits",
            "A city who needs help with what cities need",
        ),
        (
            "Город ищет опыт модернизации уличного освещения",
            "Модернизация освещения улиц",
            "Город, который ищет города, которые ищут",
        ),
    ],
)
def test_text_never_quotes_stop_words(need: str, offer: str, filler: str) -> None:
    toy = Toy()
    asker = toy.org(needs=need)
    yes, no = toy.org(dlat=0.2, offers=offer), toy.org(dlat=0.3, offers=filler)
    fillers(toy, 3, offers="bicycle lanes велодорожки")
    terms = shown_and_not("text_match", reasons_of(toy.model(), asker, "signatory"), yes, no)["terms"]
    assert terms and not {t.lower() for t in terms} & {"city", "who", "needs", "город", "ищет", "опыт"}


def test_a_practice_is_evidence_only_when_it_shares_the_matched_words() -> None:
    toy = Toy()
    asker = toy.org(needs="insulation of school buildings")
    yes = toy.org(dlat=0.2, offers="school insulation")
    no = toy.org(dlat=0.3, offers="school insulation")
    fillers(toy, 3)
    toy.practice(yes, "Bus lanes downtown")
    insulated = toy.practice(yes, "Insulating school roofs", "Twelve schools insulated")
    toy.practice(no, "Bus lanes downtown", "New lanes for buses")  # its own text lifts it, not this
    reasons = reasons_of(toy.model(), asker, "signatory")
    quoted = shown_and_not("published_practice", reasons, yes, no)
    assert quoted == {"title": "Insulating school roofs", "practice": insulated.id}
    assert "text_match" in codes(reasons[no.id])


def test_a_need_in_kyrgyz_meets_a_practice_in_english_and_the_reason_names_both() -> None:
    insulation, bikes = "Мектептердин чатырларын жылуулоо керек", "Велосипед жолдору да керек"
    embedder = TableEmbedder({insulation: 0, f"{insulation}. {bikes}.": 0, "Insulating school roofs": 0,
                              bikes: 1, "Bus lanes downtown": 2})  # fmt: skip
    toy = Toy()
    asker = toy.org(needs=f"{insulation}. {bikes}.")
    yes, no = toy.org(dlat=0.2), toy.org(dlat=0.3)
    fillers(toy, 3)
    roofs = toy.practice(yes, "Insulating school roofs")
    lanes = toy.practice(no, "Bus lanes downtown")
    stored = {f"practice:{p.id}": embedder.stored(p) for p in (roofs, lanes)}
    assert "text_match" not in codes(reasons_of(toy.model(), asker, "signatory")[yes.id])  # no shared word
    reasons = reasons_of(toy.model(embedder, stored), asker, "signatory")
    assert shown_and_not("text_match", reasons, yes, no) == {"terms": [insulation]}  # the clause answered
    assert params(reasons[yes.id], "published_practice") == {"title": "Insulating school roofs",
                                                             "practice": roofs.id}  # fmt: skip


def test_an_offer_in_another_language_is_quoted_when_it_answers_the_need() -> None:
    need, offer = "Энергоаудит школ и больниц", "Energy audits of public buildings"
    embedder = TableEmbedder({need: 3, offer: 3})
    toy = Toy()
    asker = toy.org(needs=need)
    yes, no = toy.org(dlat=0.2, offers=offer), toy.org(dlat=0.3, offers="Bicycle lanes")
    fillers(toy, 3)
    reasons = reasons_of(toy.model(embedder), asker, "signatory")
    assert shown_and_not("offer_match", reasons, yes, no) == {"offer": offer}
    assert params(reasons[yes.id], "text_match") == {"terms": [need]}


@pytest.mark.parametrize(
    ("field", "code"), [("sectors", "shared_sectors"), ("commitments", "shared_commitments")]
)
def test_shared_sectors_and_commitments(field: str, code: str) -> None:
    toy = Toy()
    asker = toy.org(**{field: ("a", "b")})
    yes, no = toy.org(dlat=0.2, **{field: ("b",)}), toy.org(dlat=0.3, **{field: ("c",)})
    fillers(toy, 3)
    assert shown_and_not(code, reasons_of(toy.model(), asker, "signatory"), yes, no) == {field: ["b"]}


def test_a_shared_working_language() -> None:
    toy = Toy()
    asker = toy.org(languages=("ky", "ru"))
    yes, no = toy.org(dlat=0.2, languages=("ky",)), toy.org(dlat=0.3, languages=("fr",))
    fillers(toy, 3, languages=("de",))
    reasons = reasons_of(toy.model(), asker, "signatory")
    assert shown_and_not("works_in_language", reasons, yes, no) == {"language": "ky"}


def test_a_similar_population() -> None:
    toy = Toy()
    asker = toy.org(population=10_000)
    yes, no = toy.org(dlat=0.2, population=11_000), toy.org(dlat=0.3, population=2_000_000)
    fillers(toy, 3, population=900_000)
    shown_and_not("similar_population", reasons_of(toy.model(), asker, "signatory"), yes, no)


def test_the_distance_when_both_places_are_known() -> None:
    toy = Toy()
    asker = toy.org()
    yes, no = toy.org(dlat=0.9), toy.org(lat=None, lon=None)
    fillers(toy, 2)
    km = shown_and_not("distance_km", reasons_of(toy.model(), asker, "signatory"), yes, no)["km"]
    assert 90 < km < 110


def test_network_proximity_needs_links_of_the_asker_own() -> None:
    toy = Toy()
    hub = toy.org("supporter")
    asker, yes, no = toy.org(), toy.org(near=OSH), toy.org(near=OSH, dlat=0.1)
    for city in (asker, yes):
        toy.link(city, hub)
    fillers(toy, 3)
    shown_and_not("network_proximity", reasons_of(toy.model(), asker, "signatory"), yes, no)
    newcomer = toy.org(dlat=0.05)  # no link at all: the walk starts from cities like it
    reasons = reasons_of(toy.model(), newcomer, "signatory")
    assert all("network_proximity" not in codes(found) for found in reasons.values())


# -- a city looking for a supporter or coordinator -------------------------------------------
def test_neighbours_that_chose_a_network() -> None:
    toy, named = two_clusters()
    reasons = reasons_of(toy.model(), named["new"], "supporter")
    found = shown_and_not("supports_neighbours", reasons, named["s"], named["t"])
    assert found == {"num": 3, "km": 50}


def test_a_same_day_cohort() -> None:
    toy = Toy()
    west = toy.org("coordinator", lon=BISHKEK[1] - 0.5)
    east = toy.org("coordinator", lon=BISHKEK[1] + 0.5)
    for side, coordinator in ((-1, west), (1, east)):
        for i in range(3):
            toy.link(toy.org(lon=BISHKEK[1] + side * (0.4 + 0.05 * i)), coordinator, "coordinated_by")
    newcomer = toy.org(joined=date(2017, 5, 5))
    for i in range(3):
        toy.org(lon=BISHKEK[1] + 0.3 + 0.02 * i, joined=date(2017, 5, 5))
    reasons = reasons_of(toy.model(), newcomer, "coordinator")
    assert shown_and_not("joined_with_neighbours", reasons, east, west) == {"num": 3}


def test_a_partner_whose_cities_chose_a_network() -> None:
    toy = Toy()
    region = toy.org("coordinator", name="Region")
    chosen = toy.org("supporter", near=ALMATY, country="kz")
    other = toy.org("supporter", near=ALMATY, country="kz", dlat=0.1)
    asker = toy.org()
    toy.link(asker, region, "coordinated_by")
    for i in range(2):
        member = toy.org(near=ALMATY, country="kz", dlat=0.02 * i)
        toy.link(member, region, "coordinated_by")
        toy.link(member, chosen)
    toy.link(toy.org(near=ALMATY, country="kz", dlat=0.2), other)
    reasons = reasons_of(toy.model(), asker, "supporter")
    assert shown_and_not("partner_members", reasons, chosen, other) == {"name": "Region"}


def test_a_twin_that_chose_a_network() -> None:
    toy = Toy()
    west = toy.org("coordinator", lon=BISHKEK[1] - 0.5)
    east = toy.org("coordinator", lon=BISHKEK[1] + 0.5)
    twin = None
    for side, coordinator in ((-1, west), (1, east)):
        for i in range(3):
            twin = toy.org(lon=BISHKEK[1] + side * (0.4 + 0.05 * i))
            toy.link(twin, coordinator, "coordinated_by")
    newcomer = toy.org()
    assert twin is not None
    toy.link(twin, newcomer, "twinned_with")
    reasons = reasons_of(toy.model(), newcomer, "coordinator")
    assert shown_and_not("twins_chose", reasons, east, west) == {"num": 1}


def _recruiting(where: tuple[float, float]) -> tuple[Toy, OrgRecord, OrgRecord, OrgRecord]:
    """West's members joined years ago, East's lately; their members sit round `where`."""
    toy = Toy()
    west = toy.org("coordinator", near=where, lon=where[1] - 0.5)
    east = toy.org("coordinator", near=where, lon=where[1] + 0.5)
    for i in range(3):
        toy.link(
            toy.org(near=where, lon=where[1] - 0.4 - 0.05 * i, joined=date(2009, 1, 1 + i)),
            west,
            "coordinated_by",
        )
        toy.link(
            toy.org(near=where, lon=where[1] + 0.4 + 0.05 * i, joined=date(2016, 10 + i, 1)),
            east,
            "coordinated_by",
        )
    return toy, west, east, toy.org(joined=date(2017, 1, 15))


def test_a_network_recruiting_near_you_lately() -> None:
    toy, west, east, newcomer = _recruiting(BISHKEK)
    reasons = reasons_of(toy.model(), newcomer, "coordinator")
    assert shown_and_not("recruiting_near", reasons, east, west) == {"num": 3, "km": 100}


def test_a_network_recruiting_lately_further_away() -> None:
    toy, west, east, newcomer = _recruiting(OSH)
    reasons = reasons_of(toy.model(), newcomer, "coordinator")
    assert shown_and_not("recruiting", reasons, east, west) == {"num": 3}


def test_a_network_with_members_in_your_country() -> None:
    toy = Toy()
    yes = toy.org("supporter", near=ALMATY, country="kz")
    no = toy.org("supporter", near=ALMATY, country="kz", dlat=0.1)
    third = toy.org("supporter", near=ALMATY, country="kz", dlat=0.2)
    toy.link(toy.org(near=OSH), yes)
    toy.link(toy.org(near=ALMATY, country="kz"), yes)
    for network in (no, third):
        toy.link(toy.org(near=ALMATY, country="kz", dlat=0.05), network)
    asker = toy.org()
    reasons = reasons_of(toy.model(), asker, "supporter")
    assert shown_and_not("members_in_region", reasons, yes, no) == {"num": 1}


def test_a_network_more_popular_than_the_typical_one() -> None:
    toy = Toy()
    big = toy.org("supporter", near=ALMATY, country="kz")
    middle = toy.org("supporter", near=ALMATY, country="kz", dlat=0.1)
    toy.org("supporter", near=ALMATY, country="kz", dlat=0.2)
    for i in range(5):
        toy.link(toy.org(near=ALMATY, country="kz", dlat=0.01 * i), big)
    toy.link(toy.org(near=ALMATY, country="kz", dlat=0.3), middle)
    asker = toy.org()
    reasons = reasons_of(toy.model(), asker, "supporter")
    assert shown_and_not("popular", reasons, big, middle) == {"num": 5}  # the median one: no reason


# -- a supporter looking for cities -----------------------------------------------------------
def test_a_city_no_one_supports_yet() -> None:
    toy = Toy()
    asker, other = toy.org("supporter"), toy.org("supporter", near=OSH)
    yes = toy.org(dlat=0.3)
    served = [toy.org(dlat=0.1 * i) for i in range(1, 4)]
    for city in served:
        toy.link(city, other)
    reasons = reasons_of(toy.model(), asker, "signatory")
    shown_and_not("not_yet_supported", reasons, yes, served[0])


def test_a_city_in_a_country_where_you_have_members() -> None:
    toy = Toy()
    asker = toy.org("supporter")
    for i in range(2):
        toy.link(toy.org(near=ALMATY, country="kz", dlat=0.01 * i), asker)
    yes = toy.org(near=ALMATY, country="kz", dlat=0.2)
    no, *_ = [toy.org(dlat=0.1 * i) for i in range(1, 4)]
    reasons = reasons_of(toy.model(), asker, "signatory")
    assert shown_and_not("your_members_there", reasons, yes, no) == {"num": 2}


def test_every_kind_of_reason_has_a_case_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert [code for code in MESSAGES if f'"{code}"' not in source] == []
