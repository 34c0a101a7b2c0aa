"""practices.jsonl: import checks every line, updates by id, and export gives the same data back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import func, select

from covenant_hub.config import PROJECT_ROOT
from covenant_hub.extensions import db
from covenant_hub.interchange import ImportOptions, export_folder, import_folder
from covenant_hub.library.models import Practice
from covenant_hub.orgs.models import Organisation
from tests.factories import make_gcom_stand_ins

DEMO = PROJECT_ROOT / "covenant_hub" / "data" / "demo"


def _write(folder: Path, name: str, records: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_the_demo_set_imports_with_at_least_60_practices_in_three_languages(app):
    make_gcom_stand_ins()
    report = import_folder(DEMO, ImportOptions(mark_sample=True))
    assert report.ok, report.errors[:5]
    languages = dict(
        db.session.execute(select(Practice.language, func.count()).group_by(Practice.language)).all()
    )
    assert sum(languages.values()) >= 60 and {"ky", "ru", "en"} <= set(languages)
    assert all(p.is_sample and p.state == "published" for p in db.session.scalars(select(Practice)))
    kyrgyz = " ".join(
        p.title + p.body for p in db.session.scalars(select(Practice).where(Practice.language == "ky"))
    )
    assert all(letter in kyrgyz for letter in "өүң")


def test_round_trip_gives_back_the_same_records(app, tmp_path):
    make_gcom_stand_ins()
    assert import_folder(DEMO).ok
    export_folder(tmp_path / "out")
    original = _records(DEMO / "practices.jsonl")
    exported = _records(tmp_path / "out" / "practices.jsonl")
    assert sorted(exported, key=lambda r: r["id"]) == sorted(original, key=lambda r: r["id"])
    second = import_folder(tmp_path / "out")
    assert second.files["practices.jsonl"].updated == len(original)
    assert second.files["practices.jsonl"].created == 0
    assert (tmp_path / "out" / "practices.jsonl").read_text("utf-8") == _export_text(tmp_path / "again")


def _export_text(folder: Path) -> str:
    export_folder(folder)
    return (folder / "practices.jsonl").read_text("utf-8")


def _families() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for practice in db.session.scalars(select(Practice)):
        found.setdefault(practice.translation_group or practice.external_id, set()).add(practice.external_id)
    return found


def test_the_demo_translations_are_one_practice_each(app):
    make_gcom_stand_ins()
    assert import_folder(DEMO).ok
    families = _families()
    assert len(families) == 24 and all(len(ids) == 3 for ids in families.values())
    assert families["sample-practice-01-ky"] == {
        "sample-practice-01-ky",
        "sample-practice-01-ru",
        "sample-practice-01-en",
    }


ORG = {"id": "t1", "kind": "signatory", "name": "T", "country": "kg"}


def test_translations_round_trip_into_an_empty_database(app_config, migrated_database, tmp_path):
    """Versions written in any order of ids: the original first, its family kept on the way back."""
    from covenant_hub import create_app

    _write(tmp_path / "src", "organisations.jsonl", [ORG])
    _write(
        tmp_path / "src",
        "practices.jsonl",
        [
            {"id": "z-original", "org": "t1", "title": "Күн панелдери", "language": "ky"},
            {
                "id": "a-russian",
                "org": "t1",
                "title": "Солнечные панели",
                "language": "ru",
                "translation_of": "z-original",
            },
            {
                "id": "m-english",
                "org": "t1",
                "title": "Solar panels",
                "language": "en",
                "translation_of": "a-russian",
            },
            {"id": "alone", "org": "t1", "title": "Alone", "language": "en"},
        ],
    )
    texts = []
    for step in range(3):
        shutil.copy(migrated_database, tmp_path / f"{step}.db")
        app = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / f'{step}.db'}"})
        with app.app_context():
            source = tmp_path / ("src" if step == 0 else f"out{step - 1}")
            assert import_folder(source).ok
            assert _families()["z-original"] == {"z-original", "a-russian", "m-english"}
            texts.append(_export_text(tmp_path / f"out{step}"))
            db.session.remove()
            db.engine.dispose()
    lines = [json.loads(line) for line in texts[0].splitlines()]
    assert [line["id"] for line in lines] == ["z-original", "a-russian", "m-english", "alone"]
    assert [line.get("translation_of") for line in lines] == [None, "z-original", "z-original", None]
    assert texts[0] == texts[1] == texts[2]


def test_bad_translation_links_are_refused(app, tmp_path):
    _write(tmp_path, "organisations.jsonl", [ORG])
    _write(
        tmp_path,
        "practices.jsonl",
        [
            {"id": "p1", "org": "t1", "title": "Original", "language": "ky", "translation_of": "later"},
            {"id": "p2", "org": "t1", "title": "Self", "language": "ru", "translation_of": "p2"},
            {"id": "p3", "org": "t1", "title": "Same language", "language": "ky", "translation_of": "p4"},
            {"id": "p4", "org": "t1", "title": "Fine", "language": "ru"},
            {"id": "p5", "org": "t1", "title": "Same", "language": "ru", "translation_of": "p4"},
            {"id": "later", "org": "t1", "title": "Later", "language": "en"},
        ],
    )
    report = import_folder(tmp_path)
    assert [(e.line, e.field) for e in report.errors] == [
        (1, "translation_of"),
        (2, "translation_of"),
        (3, "translation_of"),
        (5, "translation_of"),
    ]
    assert not report.written and db.session.scalar(select(func.count(Practice.id))) == 0


def test_a_translation_of_a_practice_already_in_the_database(app, tmp_path):
    _write(tmp_path / "one", "organisations.jsonl", [ORG])
    _write(
        tmp_path / "one",
        "practices.jsonl",
        [{"id": "p1", "org": "t1", "title": "Original", "language": "ky"}],
    )
    assert import_folder(tmp_path / "one").ok
    _write(
        tmp_path / "two",
        "practices.jsonl",
        [{"id": "p2", "org": "t1", "title": "Перевод", "language": "ru", "translation_of": "p1"}],
    )
    assert import_folder(tmp_path / "two").ok
    assert _families()["p1"] == {"p1", "p2"}
    lines = [json.loads(line) for line in _export_text(tmp_path / "out").splitlines()]
    assert [(line["id"], line.get("translation_of")) for line in lines] == [("p1", None), ("p2", "p1")]


def test_bad_lines_are_reported_and_nothing_is_written(app, tmp_path):
    _write(tmp_path, "organisations.jsonl", [{"id": "t1", "kind": "signatory", "name": "T", "country": "kg"}])
    _write(
        tmp_path,
        "practices.jsonl",
        [
            {"id": "p1", "org": "t1", "title": "Good", "language": "ky"},
            {"id": "p2", "org": "nobody", "title": "Bad org", "language": "ky"},
            {"id": "p3", "org": "t1", "title": "Bad result", "language": "ky", "results": {"co2": 5}},
            {"id": "p4", "org": "t1", "title": "Negative", "language": "ky", "results": {"jobs": -1}},
            {"id": "p5", "org": "t1", "title": "Sector", "language": "ky", "sectors": ["space"]},
            {"id": "p6", "org": "t1", "title": "Extra", "language": "ky", "colour": "red"},
        ],
    )
    report = import_folder(tmp_path)
    fields = {(e.line, e.field) for e in report.errors}
    assert {(2, "org"), (3, "results"), (4, "results"), (5, "sectors"), (6, "colour")} <= fields
    assert not report.written and db.session.scalar(select(func.count(Practice.id))) == 0
    kept = import_folder(tmp_path, ImportOptions(skip_invalid=True))
    assert kept.written and [p.external_id for p in db.session.scalars(select(Practice))] == ["p1"]


BAD_FIELDS = [  # (field, bad value, where the API names the problem)
    ("results", {"jobs": -1}, "results.jobs"),
    ("results", {"jobs": "5"}, "results.jobs"),
    ("results", {"jobs": True}, "results.jobs"),
    ("results", {"co2": 5}, "results.co2"),
    ("sectors", ["space"], "sectors.0"),
    ("tags", ["x" * 41], "tags.0"),
    ("title", "   ", "title"),
    ("language", "Kyrgyz", "language"),
]


def test_a_field_the_api_refuses_the_importer_refuses_the_same_way(app, client, tmp_path):
    """practices.jsonl is read by the API's own model: same field, same problem, in one wording."""
    from covenant_hub.accounts.api_tokens import create_token
    from tests.factories import make_org, make_user

    make_org(external_id="t1", kind="signatory", name="T", country="kg")
    owner = make_user(
        org=db.session.scalar(select(Organisation).filter_by(external_id="t1")), org_role="org_admin"
    )
    headers = {"Authorization": f"Bearer {create_token(owner, 'test', write=True, days=30).secret}"}
    for number, (name, value, where) in enumerate(BAD_FIELDS, start=1):
        good = {"org": "t1", "title": "Solar roofs", "language": "ky"}
        answer = client.post("/api/v1/practices", json={**good, name: value}, headers=headers)
        assert answer.status_code == 400, (name, value, answer.get_json())
        problem = answer.get_json()["error"]["fields"][where]
        _write(tmp_path / str(number), "practices.jsonl", [{**good, "id": "p1", name: value}])
        report = import_folder(tmp_path / str(number))
        assert [(e.line, e.field) for e in report.errors] == [(1, name)], (value, report.errors)
        assert report.errors[0].reason.endswith(problem), (report.errors[0].reason, problem)
        assert not report.written
    assert db.session.scalar(select(func.count(Practice.id))) == 0
