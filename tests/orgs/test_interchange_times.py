"""Every time field of every interchange file keeps its instant through import and export,
whatever offset it is written with; an event keeps its local zone too.

The time fields are found by walking the registered handlers' field declarations (into lists of
objects such as a thread's posts), so a file or field added later is covered without editing
this test; its lines come from the demo data set.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from covenant_hub.config import PROJECT_ROOT
from covenant_hub.events import interchange as events_interchange
from covenant_hub.interchange import ImportOptions, export_folder, handlers, import_folder
from covenant_hub.interchange import fields as f
from tests.factories import make_gcom_stand_ins

DEMO = PROJECT_ROOT / "covenant_hub" / "data" / "demo"
EACH = "[]"  # a path step: every item of a list of objects
Path_ = tuple[str, ...]
# Offsets of both signs, whole hours and not; an event without `timezone` gets a whole-hour
# one (the only offsets an IANA zone, Etc/GMT-N, stands for).
OFFSETS = ("+03:00", "-05:00", "+05:45", "-09:30", "+14:00", "-12:00")
WHOLE_HOUR_OFFSETS = ("+06:00", "-04:00", "+03:00", "-11:00")


def time_paths(fields: dict[str, f.Field], prefix: Path_ = ()) -> Iterator[Path_]:
    for name, spec in fields.items():
        if spec.parse in f.TIME_PARSERS:
            yield (*prefix, name)
        elif isinstance(spec.parse, f.Records):
            yield from time_paths(spec.parse.fields, (*prefix, name, EACH))


def values_at(node: Any, path: Path_) -> Iterator[Any]:
    head, *rest = path
    if head == EACH:
        for item in node:
            yield from values_at(item, tuple(rest))
    elif head in node:
        yield from values_at(node[head], tuple(rest)) if rest else iter([node[head]])


def rewrite(node: Any, path: Path_, change: Callable[[Any], Any]) -> None:
    head, *rest = path
    if head == EACH:
        for item in node:
            rewrite(item, tuple(rest), change)
    elif head in node:
        if rest:
            rewrite(node[head], tuple(rest), change)
        else:
            node[head] = change(node[head])


def zone_of(offset: str) -> timezone:
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = offset[1:].split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def timed_files() -> dict[str, tuple[Any, list[Path_]]]:
    """filename -> (handler, its time paths), for every registered file that has times."""
    found = {h.filename: (h, list(time_paths(h.fields))) for h in handlers()}
    return {name: entry for name, entry in found.items() if entry[1]}


def test_the_walk_finds_times_at_the_top_and_inside_a_thread_s_posts(app):
    paths = {name: set(entry[1]) for name, entry in timed_files().items()}
    assert {("created",), ("posts", EACH, "created")} <= paths["threads.jsonl"]
    assert {("starts",), ("ends",)} <= paths["events.jsonl"]
    assert ("published",) in paths["news.jsonl"]


def _offset_copy(handler: Any, paths: list[Path_], source: Path, target: Path) -> dict[str, Any]:
    """Write `source`'s lines with every time in an offset other than Z; returns, by record
    id, the instants each path must keep and (with a `timezone` field) the zone expected."""
    records = read_jsonl(source)
    expected: dict[str, Any] = {}
    has_zone = "timezone" in handler.fields
    for number, record in enumerate(records):
        offset = OFFSETS[number % len(OFFSETS)]
        if has_zone and number % 2:  # no timezone: the offset is the event's zone
            offset = WHOLE_HOUR_OFFSETS[number // 2 % len(WHOLE_HOUR_OFFSETS)]
            record.pop("timezone", None)
        wanted = {path: [instant(v) for v in values_at(record, path)] for path in paths}
        for path in paths:
            rewrite(record, path, lambda text, o=offset: instant(text).astimezone(zone_of(o)).isoformat())
        expected[handler.key(record)] = {
            "instants": wanted,
            "offset": offset,
            "timezone": record.get("timezone"),
        }
    write_jsonl(target, records)
    return expected


@pytest.fixture
def offset_folder(app, tmp_path, monkeypatch) -> tuple[Path, dict[str, dict[str, Any]]]:
    """The demo data set with every time rewritten; news dates are capped at "now": keep them
    in the past whatever the machine's clock says."""
    monkeypatch.setattr(events_interchange, "utcnow", lambda: datetime(2100, 1, 1, tzinfo=UTC))
    make_gcom_stand_ins()  # the GCoM records the sample folder names (Osh, Talas)
    folder = tmp_path / "offsets"
    folder.mkdir()
    for path in DEMO.glob("*.jsonl"):
        shutil.copy(path, folder / path.name)
    expected = {}
    for name, (handler, paths) in timed_files().items():
        assert (DEMO / name).is_file(), f"add sample lines of {name} to {DEMO} so that its times are tested"
        expected[name] = _offset_copy(handler, paths, DEMO / name, folder / name)
    return folder, expected


def test_every_time_keeps_its_instant_and_an_event_its_zone(offset_folder, tmp_path):
    folder, expected = offset_folder
    report = import_folder(folder, ImportOptions())
    assert report.ok and report.written, report.errors
    out = tmp_path / "out"
    export_folder(out)
    signs: dict[tuple[str, Path_], set[str]] = {}
    for name, (handler, paths) in timed_files().items():
        exported = {handler.key(r): r for r in read_jsonl(out / name)}
        assert exported.keys() == expected[name].keys(), name
        for key, want in expected[name].items():
            for path in paths:
                got = [instant(v) for v in values_at(exported[key], path)]
                assert sorted(got) == sorted(want["instants"][path]), (name, key, path)
                signs.setdefault((name, path), set()).add(want["offset"][0])
            if "timezone" in handler.fields:
                _assert_zone(exported[key], want)
    assert all(found == {"+", "-"} for found in signs.values()), signs  # both signs, every field


def _assert_zone(record: dict[str, Any], want: dict[str, Any]) -> None:
    """The zone written in the file is kept; without one, the offset's wall clock is."""
    if want["timezone"] is not None:
        assert record["timezone"] == want["timezone"], record["id"]
        return
    zone = ZoneInfo(record["timezone"])
    for field in ("starts", "ends"):
        local = instant(record[field]).astimezone(zone)
        assert local.utcoffset() == zone_of(want["offset"]).utcoffset(None), (record["id"], field)


def test_a_second_round_trip_changes_nothing(offset_folder, tmp_path):
    folder, _expected = offset_folder
    import_folder(folder, ImportOptions())
    export_folder(tmp_path / "first")
    report = import_folder(tmp_path / "first", ImportOptions())
    assert report.ok, report.errors
    export_folder(tmp_path / "second")
    for name in timed_files():
        assert (tmp_path / "second" / name).read_text() == (tmp_path / "first" / name).read_text(), name


def test_an_event_offset_without_an_iana_zone_asks_for_the_timezone(app, tmp_path):
    folder = tmp_path / "events"
    folder.mkdir()
    lines = [
        {
            "id": "half-hour",
            "title": "T",
            "starts": "2024-04-02T10:00:00+05:30",
            "ends": "2024-04-02T12:00:00+05:30",
            "language": "en",
            "place": "Delhi",
        },
        {
            "id": "two-offsets",
            "title": "T",
            "starts": "2024-03-30T10:00:00+01:00",
            "ends": "2024-03-31T12:00:00+02:00",
            "language": "en",
            "place": "Brussels",
        },
        {
            "id": "named",
            "title": "T",
            "starts": "2024-04-02T10:00:00+05:30",
            "ends": "2024-04-02T12:00:00+05:30",
            "language": "en",
            "place": "Delhi",
            "timezone": "Asia/Kolkata",
        },
    ]
    write_jsonl(folder / "events.jsonl", lines)
    report = import_folder(folder, ImportOptions())
    assert {(error.line, error.field) for error in report.errors} == {(1, "timezone"), (2, "timezone")}
    assert not report.written
