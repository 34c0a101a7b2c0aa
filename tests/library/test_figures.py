"""Derived key figures, and None whenever they cannot honestly be computed."""

from __future__ import annotations

import pytest

from covenant_hub.library.models import eur_per_t_co2, t_co2_per_1000_inhabitants
from tests.factories import make_org, make_practice


@pytest.mark.parametrize(
    "cost,co2,expected",
    [
        (200_000, 400, 500.0),
        (1000, 3, 1000 / 3),
        (None, 400, None),
        (1000, None, None),
        (1000, 0, None),
        (0, 10, 0.0),
    ],
)
def test_eur_per_tonne(cost, co2, expected):
    assert eur_per_t_co2(cost, co2) == expected


@pytest.mark.parametrize(
    "co2,population,expected",
    [
        (400, 80_000, 5.0),
        (400, None, None),
        (400, 0, None),
        (None, 1000, None),
        (0, 1000, 0.0),
    ],
)
def test_tonnes_per_thousand_inhabitants(co2, population, expected):
    assert t_co2_per_1000_inhabitants(co2, population) == expected


def test_model_properties_use_the_owner_population(app):
    town = make_org(population=50_000)
    practice = make_practice(town, co2_t_per_year=100, cost_eur=50_000)
    assert practice.eur_per_t_co2 == 500
    assert practice.t_co2_per_1000_inhabitants == 2.0
    network = make_org(kind="supporter", population=None)
    assert make_practice(network, co2_t_per_year=100).t_co2_per_1000_inhabitants is None
    assert practice.results == {"co2_t_per_year": 100, "cost_eur": 50_000}
