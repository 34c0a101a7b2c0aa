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
    lines: tuple[str, ...] = ()  # the label as drawn: wrapped to its room, empty when left out


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    top: int
    groups: list[Group]
    series_labels: list[str]
    font_size: int = 12


def _scale(maximum: int) -> int:
    """A round top for the axis, so small counts do not fill the chart."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if maximum <= step:
            return step
    return maximum


CHAR_WIDTH = 0.62  # an average glyph's width in em, Latin and Cyrillic alike


def wrap_label(label: str, room: float, font_size: int, max_lines: int = 3) -> tuple[str, ...]:
    """The label in lines that each fit `room` units at `font_size`, broken between words; a word
    longer than the room stays whole (labels are never cut, the bar's title has it in full)."""
    limit = max(int(room / (font_size * CHAR_WIDTH)), 1)
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    return tuple(lines)


def grouped_bars(
    labels: list[str],
    series: list[list[int]],
    series_labels: list[str],
    width: int = 640,
    height: int = 220,
    label_space: int = 40,
    font_size: int = 12,
    label_every: int = 1,
) -> Chart:
    """One group per label, one bar per series in each group. Labels are wrapped to their room;
    with `label_every` n only every n-th group is labelled (counting back from the newest), so
    24 months stay readable on a phone."""
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
        shown = (len(labels) - 1 - index) % label_every == 0
        lines = wrap_label(label, group_width * label_every * 0.95, font_size) if shown else ()
        groups.append(Group(label, round(index * group_width + group_width / 2, 1), bars, lines))
    return Chart(width, height, 10 + plot_height, top, groups, series_labels, font_size)
