"""Bar charts as plain geometry for server-rendered SVG (no JavaScript, no inline styles).

The template draws what these functions compute; labels stay text so Jinja escapes them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: int  # 0 or 1: which CSS class colours it


@dataclass(frozen=True)
class Group:
    label: str
    x: float  # centre of the group, for the label
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    top: int
    groups: list[Group]
    series_labels: list[str]


def _scale(maximum: int) -> int:
    """A round top for the axis, so small counts do not fill the chart."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if maximum <= step:
            return step
    return maximum


def grouped_bars(
    labels: list[str],
    series: list[list[int]],
    series_labels: list[str],
    width: int = 640,
    height: int = 220,
    label_space: int = 40,
) -> Chart:
    """One group per label, one bar per series in each group."""
    top = _scale(max([max(values, default=0) for values in series] + [1]))
    plot_height = height - label_space - 10
    group_width = width / max(len(labels), 1)
    bar_width = group_width * 0.7 / max(len(series), 1)
    groups = []
    for index, label in enumerate(labels):
        left = index * group_width + group_width * 0.15
        bars = []
        for number, values in enumerate(series):
            value = values[index]
            bar_height = plot_height * value / top
            bars.append(
                Bar(
                    round(left + number * bar_width, 1),
                    round(10 + plot_height - bar_height, 1),
                    round(bar_width - 1, 1),
                    round(bar_height, 1),
                    value,
                    number,
                )
            )
        groups.append(Group(label, round(index * group_width + group_width / 2, 1), bars))
    return Chart(width, height, 10 + plot_height, top, groups, series_labels)
