"""Proposals for a request and the network picture, on small hand-made graphs (no app)."""

from __future__ import annotations

from covenant_hub.matching.engine.proposals import RequestQuery, distance_km, rank_for_request
from covenant_hub.matching.network_svg import build_network, render_svg
from tests.matching.builders import OSH, two_clusters


def test_request_keeps_the_engine_order_without_extra_wishes():
    toy, orgs = two_clusters()
    drafts = rank_for_request(toy.model(), RequestQuery(orgs["new"].id, "", ("supporter",)))
    assert [d.org_id for d in drafts] == [orgs["s"].id, orgs["t"].id]


def test_distance_limit_drops_far_candidates():
    toy, orgs = two_clusters()
    model = toy.model()
    assert distance_km(model, orgs["new"].id, orgs["t"].id) > 200
    drafts = rank_for_request(model, RequestQuery(orgs["new"].id, "", ("supporter",), max_km=100))
    assert [d.org_id for d in drafts] == [orgs["s"].id]
    assert any(r["code"] == "distance_km" for r in drafts[0].reasons)


def test_language_limit_drops_candidates_working_in_other_languages():
    toy, orgs = two_clusters()
    french = toy.org("supporter", near=OSH, name="Francophone", languages=("fr",))
    drafts = rank_for_request(
        toy.model(), RequestQuery(orgs["new"].id, "", ("supporter",), languages=("ru",))
    )
    assert french.id not in [d.org_id for d in drafts]
    assert {orgs["s"].id, orgs["t"].id} <= {d.org_id for d in drafts}  # no language listed: kept


def test_request_words_and_sectors_lift_the_candidate_that_offers_them():
    toy, orgs = two_clusters()
    lighting = toy.org(
        "supporter",
        near=OSH,
        name="Lighting agency",
        sectors=("public_lighting",),
        offers="LED street lighting retrofits for municipalities",
    )
    for i in range(5):
        toy.org("supporter", near=OSH, name=f"Filler {i}", offers="waste collection and composting")
    model = toy.model()
    plain = rank_for_request(model, RequestQuery(orgs["new"].id, "", ("supporter",)))
    asked = rank_for_request(
        model,
        RequestQuery(
            orgs["new"].id, "We need LED street lighting", ("supporter",), sectors=("public_lighting",)
        ),
    )
    before = [d.org_id for d in plain].index(lighting.id)
    after = [d.org_id for d in asked].index(lighting.id)
    assert after < before, (before, after)
    codes = [r["code"] for r in asked[after].reasons]
    assert codes[:2] == ["text_match", "shared_sectors"]
    assert "LED" in asked[after].reasons[0]["params"]["terms"]  # as the request wrote it


def test_network_shows_shared_supporter_and_direct_exchange():
    toy, orgs = two_clusters()
    first, second = [o for o in toy.orgs if o.kind == "signatory" and o.id != orgs["new"].id][:2]
    toy.link(orgs["new"], orgs["s"])
    toy.link(orgs["new"], first, "exchange")
    net = build_network(toy.model(), orgs["new"].id, [first.id, second.id])
    roles = {node.id: node.role for node in net.nodes.values()}
    assert roles[orgs["new"].id] == "requester" and roles[first.id] == "candidate"
    assert roles[orgs["s"].id] == "connector"  # all three are supported by S
    kinds = {(e.a, e.b, e.kind) for e in net.edges}
    assert (orgs["new"].id, first.id, "exchange") in kinds
    assert (orgs["new"].id, orgs["s"].id, "supported_by") in kinds


def test_network_labels_are_escaped_and_unstyled():
    toy, orgs = two_clusters()
    evil = toy.org("supporter", name='<script>alert("x")</script>')
    svg = str(render_svg(build_network(toy.model(), orgs["new"].id, [evil.id]), "A & B", {}))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; B" in svg
    assert " style=" not in svg and svg.startswith("<svg")


def test_network_of_an_unknown_requester_is_empty():
    toy, _orgs = two_clusters()
    assert not build_network(toy.model(), 999, []).nodes


def test_network_draws_links_between_shown_organisations():
    toy, orgs = two_clusters()
    osh_city = next(o for o in toy.orgs if o.kind == "signatory" and o.lat < 41)
    net = build_network(toy.model(), orgs["new"].id, [orgs["t"].id, osh_city.id])
    assert (osh_city.id, orgs["t"].id, "supported_by") in {(e.a, e.b, e.kind) for e in net.edges} | {
        (e.b, e.a, e.kind) for e in net.edges
    }
