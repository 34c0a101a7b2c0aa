"""Commitment figures over 12 and 24 months, the ranking, the chart geometry and the CLI."""

from __future__ import annotations

import json
from datetime import date

from covenant_hub.extensions import db
from covenant_hub.programme import charts, dashboard
from covenant_hub.programme.models import CommitmentActivity
from tests.factories import make_org

TODAY = date(2026, 11, 27)


def _log(org, commitment: str, day: date, kind: str = "promotion") -> None:
    db.session.add(
        CommitmentActivity(org_id=org.id, commitment=commitment, kind=kind, happened_on=day, description="x")
    )
    db.session.commit()


def test_months_before_clamps_to_month_length():
    assert dashboard.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert dashboard.months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
    assert dashboard.months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_summary_counts_windows_and_warns(world):
    org = world.supporter
    _log(org, "promote", date(2026, 11, 1))
    _log(org, "promote", date(2025, 6, 1))  # 12-24 months ago
    _log(org, "exchange", date(2024, 11, 28))  # just inside 24 months
    _log(org, "exchange", date(2024, 11, 27))  # exactly 24 months ago: outside
    _log(org, "intermediary", date(2027, 1, 1))  # future: ignored
    summary = dashboard.summarise(org, TODAY)
    figures = {f.commitment: (f.last_12, f.last_24) for f in summary.figures}
    assert figures["promote"] == (1, 2)
    assert figures["exchange"] == (0, 1)
    assert summary.total_12 == 1 and summary.total_24 == 3
    assert set(summary.silent) == {"recognise", "exchange", "intermediary", "synergies", "feedback"}
    assert len(summary.months) == 24 and summary.months[-1] == ("2026-11", 1)
    assert summary.months[0][0] == "2024-12"


def test_ranking_orders_by_activity(world):
    quiet = world.supporter
    busy = make_org(kind="supporter", name="Busy Network")
    for commitment in ("promote", "exchange", "feedback"):
        _log(busy, commitment, date(2026, 10, 1))
    _log(quiet, "promote", date(2025, 1, 1))
    rows = dashboard.ranking(TODAY)
    assert [row.org.name for row in rows][:2] == ["Busy Network", "Union of Cities"]
    assert (rows[0].last_12, rows[0].covered_12) == (3, 3)
    assert (rows[1].last_12, rows[1].last_24) == (0, 1)
    assert all(row.org.kind == "supporter" for row in rows)


def test_grouped_bars_geometry():
    chart = charts.grouped_bars(
        ["a", "b"], [[0, 4], [2, 8]], ["12", "24"], width=200, height=120, label_space=20
    )
    assert chart.top == 10
    tallest = chart.groups[1].bars[1]
    assert tallest.value == 8 and tallest.y + tallest.height == chart.baseline
    assert chart.groups[0].bars[0].height == 0
    assert all(bar.x + bar.width <= chart.width for group in chart.groups for bar in group.bars)


def test_cli_ranking_and_applications_json(world, runner):
    _log(world.supporter, "promote", date.today())
    result = runner.invoke(args=["programme", "ranking", "--json"])
    assert result.exit_code == 0, result.output
    first = json.loads(result.output.splitlines()[0])
    assert first["id"] == "union" and first["last_12_months"] == 1
    result = runner.invoke(args=["programme", "applications", "--json", "--state", "submitted"])
    assert json.loads(result.output.splitlines()[0])["network"] == "Ысык-Көл тармагы"
