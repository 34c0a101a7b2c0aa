"""events.jsonl and news.jsonl: the demo files import, bad lines are reported, export round-trips."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import func, select

from covenant_hub.config import PROJECT_ROOT
from covenant_hub.events.models import Event, NewsItem
from covenant_hub.extensions import db
from covenant_hub.interchange import ImportOptions, export_folder, import_folder

DEMO = PROJECT_ROOT / "covenant_hub" / "data" / "demo"


def _demo_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    folder.mkdir(parents=True)
    for name in ("organisations.jsonl", "events.jsonl", "news.jsonl"):
        shutil.copy(DEMO / name, folder / name)
    return folder


def test_demo_files_import_with_kyrgyz_russian_and_english(app, tmp_path):
    report = import_folder(_demo_copy(tmp_path), ImportOptions(mark_sample=True))
    assert report.ok, report.errors
    events = db.session.scalars(select(Event)).all()
    assert {e.language for e in events} == {"ky", "ru", "en"}
    assert all(e.state == "published" and e.is_sample and e.organiser is not None for e in events)
    assert any("ө" in e.title or "ү" in e.title for e in events if e.language == "ky")
    news = db.session.scalars(select(NewsItem)).all()
    assert {n.language for n in news} == {"ky", "ru", "en"}
    again = import_folder(_demo_copy(tmp_path / "again"), ImportOptions(mark_sample=True))
    assert again.ok and db.session.scalar(select(func.count(Event.id))) == len(events)


def test_bad_lines_are_reported_and_nothing_is_written(app, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    lines = [
        {
            "id": "e1",
            "title": "T",
            "starts": "2027-01-01T10:00:00",
            "ends": "2027-01-01T11:00:00Z",
            "language": "en",
        },
        {
            "id": "e2",
            "title": "T",
            "starts": "2027-01-01T10:00:00Z",
            "ends": "2027-01-01T09:00:00Z",
            "language": "en",
            "organiser": "nobody",
        },
        {
            "id": "e3",
            "title": "T",
            "starts": "2027-01-01T10:00:00Z",
            "ends": "2027-01-01T11:00:00Z",
            "language": "en",
            "timezone": "Mars/Olympus",
            "url": "ftp://x",
        },
        {
            "id": "e4",
            "title": "Good",
            "starts": "2027-01-01T10:00:00Z",
            "ends": "2027-01-01T11:00:00Z",
            "language": "en",
        },  # a valid line, held back with the file: nothing is written
    ]
    (folder / "events.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    report = import_folder(folder, ImportOptions())
    problems = {(error.line, error.field) for error in report.errors}
    assert (1, "starts") in problems and (2, "organiser") in problems
    assert (3, "timezone") in problems and (3, "url") in problems
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_export_then_import_gives_the_same_records(app, tmp_path):
    import_folder(_demo_copy(tmp_path), ImportOptions())
    out = tmp_path / "out"
    export_folder(out)
    for name in ("events.jsonl", "news.jsonl"):
        exported = [json.loads(line) for line in (out / name).read_text().splitlines()]
        records = [json.loads(line) for line in (DEMO / name).read_text().splitlines()]
        original = {record["id"]: record for record in records}
        assert len(exported) == len(original)
        for record in exported:
            assert record == original[record["id"]], record["id"]


def test_demo_dates_follow_the_day_the_demo_is_loaded(app, tmp_path, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from covenant_hub.events import interchange

    later = datetime(2027, 9, 1, 12, tzinfo=UTC)  # 40 weeks and 2 days after the anchor
    monkeypatch.setattr(interchange, "utcnow", lambda: later)
    import_folder(_demo_copy(tmp_path), ImportOptions(mark_sample=True))
    records = {
        json.loads(line)["id"]: json.loads(line) for line in (DEMO / "events.jsonl").read_text().splitlines()
    }
    for event in db.session.scalars(select(Event)):
        written = datetime.fromisoformat(records[event.external_id]["starts"].replace("Z", "+00:00"))
        assert event.starts_utc - written == timedelta(weeks=40)
        assert event.starts_utc.weekday() == written.weekday()
    assert any(event.starts_utc > later for event in db.session.scalars(select(Event)))
    news = db.session.scalars(select(NewsItem)).all()
    assert news and all(item.published_utc <= later for item in news)
