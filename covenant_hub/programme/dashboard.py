"""A supporter's commitment figures (12 and 24 months, per month) and the staff ranking."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation
from covenant_hub.programme.models import COMMITMENTS, CommitmentActivity


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (clamped to the month's length)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return date(year, month, 28)


@dataclass(frozen=True)
class CommitmentFigure:
    commitment: str
    last_12: int
    last_24: int

    @property
    def silent(self) -> bool:
        """No activity for this commitment in the last 12 months: the dashboard warns."""
        return self.last_12 == 0


@dataclass(frozen=True)
class Summary:
    figures: list[CommitmentFigure]
    months: list[tuple[str, int]]  # ("2026-01", count), oldest first, 24 entries
    total_12: int
    total_24: int

    @property
    def silent(self) -> list[str]:
        return [figure.commitment for figure in self.figures if figure.silent]


def summarise(org: Organisation, today: date) -> Summary:
    """Counts per commitment over 12 and 24 months and per month over 24 months."""
    start_24, start_12 = months_before(today, 24), months_before(today, 12)
    rows = db.session.execute(
        select(CommitmentActivity.commitment, CommitmentActivity.happened_on).where(
            CommitmentActivity.org_id == org.id,
            CommitmentActivity.happened_on > start_24,
            CommitmentActivity.happened_on <= today,
        )
    ).all()
    c12 = Counter(c for c, day in rows if day > start_12)
    c24 = Counter(c for c, _day in rows)
    per_month = Counter(day.strftime("%Y-%m") for _c, day in rows)
    keys = [
        months_before(date(today.year, today.month, 1), back).strftime("%Y-%m") for back in range(23, -1, -1)
    ]
    return Summary(
        figures=[CommitmentFigure(code, c12[code], c24[code]) for code in COMMITMENTS],
        months=[(key, per_month[key]) for key in keys],
        total_12=sum(c12.values()),
        total_24=len(rows),
    )


@dataclass(frozen=True)
class RankingRow:
    org: Organisation
    last_12: int
    last_24: int
    covered_12: int  # how many of the six commitments had activity in 12 months


def ranking(today: date) -> list[RankingRow]:
    """Every supporter, most active over 12 months first (then 24 months, then coverage)."""
    start_24, start_12 = months_before(today, 24), months_before(today, 12)
    supporters = list(db.session.scalars(select(Organisation).where(Organisation.kind == "supporter")))
    rows = db.session.execute(
        select(
            CommitmentActivity.org_id,
            CommitmentActivity.commitment,
            CommitmentActivity.happened_on,
            func.count(),
        )
        .where(CommitmentActivity.happened_on > start_24, CommitmentActivity.happened_on <= today)
        .group_by(CommitmentActivity.org_id, CommitmentActivity.commitment, CommitmentActivity.happened_on)
    ).all()
    c12: Counter[int] = Counter()
    c24: Counter[int] = Counter()
    covered: dict[int, set[str]] = {}
    for org_id, commitment, day, count in rows:
        c24[org_id] += count
        if day > start_12:
            c12[org_id] += count
            covered.setdefault(org_id, set()).add(commitment)
    result = [RankingRow(org, c12[org.id], c24[org.id], len(covered.get(org.id, ()))) for org in supporters]
    return sorted(result, key=lambda r: (-r.last_12, -r.last_24, -r.covered_12, r.org.name))
