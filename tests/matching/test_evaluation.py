"""Hidden-link evaluation on a toy set whose ranks are known."""

from __future__ import annotations

from datetime import date

import pytest

from covenant_hub.matching.engine.evaluation import Tally, evaluate, summarise, time_split
from tests.matching.builders import OSH, Toy

SINCE, UNTIL = date(2016, 1, 1), date(2019, 1, 1)


def toy_history() -> tuple[Toy, dict[str, object]]:
    """Old members round Bishkek (S) and Osh (T); two newcomers join in the window: one near
    Bishkek that chose S (easy), one near Osh that chose S too (S ranks second there)."""
    toy = Toy()
    s = toy.org("supporter", name="S", external_id="gcom-sup-s")
    t = toy.org("supporter", near=OSH, name="T", external_id="gcom-sup-t")
    for i in range(3):
        toy.link(toy.org(dlat=0.02 * (i + 1)), s)
        toy.link(toy.org(near=OSH, dlat=0.02 * (i + 1)), t)
    easy = toy.org(dlat=0.01, joined=date(2016, 6, 1))
    hard = toy.org(near=OSH, dlat=0.01, joined=date(2017, 6, 1))
    late = toy.org(dlat=0.05, joined=date(2020, 1, 1))
    for city in (easy, hard, late):
        toy.link(city, s)
    return toy, {"s": s, "t": t, "easy": easy, "hard": hard, "late": late}


def test_time_split_hides_window_links_and_drops_later_cities() -> None:
    toy, named = toy_history()
    split = time_split(toy.snapshot(), SINCE, UNTIL, "supporter")
    assert split.answers == {named["easy"].id: {named["s"].id}, named["hard"].id: {named["s"].id}}
    visible = {(li.source, li.target) for li in split.snapshot.links}
    assert (named["easy"].id, named["s"].id) not in visible
    assert named["late"].id not in {o.id for o in split.snapshot.orgs}


def test_derived_networks_are_placed_from_visible_members_only() -> None:
    toy = Toy()
    s = toy.org("supporter", external_id="gcom-sup-x", lat=OSH[0], lon=OSH[1])
    hidden = toy.org(near=OSH, joined=date(2017, 1, 1))
    toy.link(hidden, s)
    split = time_split(toy.snapshot(), SINCE, UNTIL, "supporter")
    placed = split.snapshot.org_by_id()[s.id]
    assert placed.lat is None and placed.country is None


def test_engine_and_nearest_neighbours_score_what_the_toy_implies() -> None:
    toy, _ = toy_history()
    scores = {s.name: s for s in evaluate(toy.snapshot(), SINCE, UNTIL, "supporter", seed=3)}
    for name in ("engine", "nearest_neighbours"):
        assert scores[name].queries == 2
        assert scores[name].hits_at_1 == pytest.approx(0.5)
        assert scores[name].hits_at_10 == pytest.approx(1.0)
        assert scores[name].mrr == pytest.approx(0.75)
    assert scores["popular"].coverage == pytest.approx(1.0)  # both networks fit in a top 10
    assert list(scores) == ["engine", "random", "popular", "popular_in_country", "nearest_neighbours"]


def test_summary_metrics_from_known_ranks() -> None:
    tally = Tally(ranks=[[1], [2], [], [11], [1, 3]], shown={1, 2, 3})
    score = summarise("x", tally, queries=5, catalogue=6)
    assert score.hits_at_1 == pytest.approx(2 / 5)
    assert score.hits_at_10 == pytest.approx(3 / 5)
    assert score.mrr == pytest.approx((1 + 0.5 + 0 + 1 / 11 + 1) / 5)
    ideal_two = 1 + 1 / 1.584962500721156
    ndcg = (1 + 1 / 1.584962500721156 + 0 + 0 + (1 + 0.5) / ideal_two) / 5
    assert score.ndcg_at_10 == pytest.approx(ndcg)
    assert score.coverage == pytest.approx(0.5)


def test_random_baseline_is_seeded() -> None:
    toy, _ = toy_history()
    first = evaluate(toy.snapshot(), SINCE, UNTIL, "supporter", seed=7)[1]
    again = evaluate(toy.snapshot(), SINCE, UNTIL, "supporter", seed=7)[1]
    assert first == again
