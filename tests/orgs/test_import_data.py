"""import-data / export-data: validation per field, one transaction, updates, round trip."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.interchange import ImportOptions, import_folder
from covenant_hub.orgs.models import Organisation, OrgLink
from tests.orgs.helpers import write_jsonl

BISHKEK = {
    "id": "bishkek",
    "kind": "signatory",
    "name": "Бишкек",
    "country": "kg",
    "city": "Bishkek",
    "population": 1074000,
    "lat": 42.8746,
    "lon": 74.5698,
    "languages": ["ky", "ru"],
    "sectors": ["transport", "waste"],
    "commitments": ["2030", "adaptation"],
    "joined": "2019-06-14",
    "status": "active",
    "description": "Борбор шаар.\nЭкинчи сап.",
    "needs": "Жылуулоо",
    "offers": "LED",
    "website": "https://example.org/bishkek",
}
UNION = {"id": "union", "kind": "supporter", "name": "Шаарлар союзу"}
LINK = {"source": "bishkek", "target": "union", "kind": "supported_by", "since": "2019-06-14"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_good_folder_imports_every_field(app, tmp_path):
    write_jsonl(tmp_path, "organisations.jsonl", [BISHKEK, UNION])
    write_jsonl(tmp_path, "links.jsonl", [LINK])
    report = import_folder(tmp_path)
    assert report.ok and report.written
    org = db.session.scalar(select(Organisation).where(Organisation.external_id == "bishkek"))
    assert (org.name, org.population, org.sectors, org.joined.isoformat()) == (
        "Бишкек",
        1074000,
        ["transport", "waste"],
        "2019-06-14",
    )
    assert org.description == "Борбор шаар.\nЭкинчи сап."
    assert count(OrgLink) == 1


BAD_LINES = [
    ({**UNION, "kind": "city"}, "kind"),
    ({**UNION, "name": 5}, "name"),
    ({"id": "x", "kind": "supporter"}, "name"),
    ({**BISHKEK, "country": "KG"}, "country"),
    ({**BISHKEK, "country": None}, "country"),
    ({**BISHKEK, "population": -1}, "population"),
    ({**BISHKEK, "population": "many"}, "population"),
    ({**BISHKEK, "lat": 123.0}, "lat"),
    ({**BISHKEK, "sectors": ["space"]}, "sectors"),
    ({**BISHKEK, "commitments": "2030"}, "commitments"),
    ({**BISHKEK, "languages": ["KY"]}, "languages"),
    ({**BISHKEK, "joined": "2019-02-30"}, "joined"),
    ({**BISHKEK, "joined": "14.06.2019"}, "joined"),
    ({**BISHKEK, "status": "sleeping"}, "status"),
    ({**BISHKEK, "website": "javascript:alert(1)"}, "website"),
    ({**BISHKEK, "mayor": "Someone"}, "mayor"),
    ("{not json", "-"),
    ("[1, 2]", "-"),
]


@pytest.mark.parametrize(("bad", "field"), BAD_LINES)
def test_each_bad_line_is_reported_and_nothing_written(app, tmp_path, bad, field):
    write_jsonl(tmp_path, "organisations.jsonl", [UNION, bad])
    report = import_folder(tmp_path)
    assert not report.written
    messages = [str(error) for error in report.errors]
    assert len(messages) == 1 and messages[0].startswith(f"organisations.jsonl:2: {field}: ")
    assert count(Organisation) == 0


def test_duplicate_ids_and_unknown_link_targets(app, tmp_path):
    write_jsonl(tmp_path, "organisations.jsonl", [UNION, BISHKEK, UNION])
    write_jsonl(tmp_path, "links.jsonl", [LINK, {**LINK, "target": "ghost"}, {**LINK, "kind": "friends"}])
    report = import_folder(tmp_path)
    assert [str(e) for e in report.errors] == [
        "organisations.jsonl:3: id: duplicate 'union' (first on line 1)",
        "links.jsonl:2: target: unknown organisation 'ghost'",
        "links.jsonl:3: kind: 'friends' is not one of supported_by, coordinated_by, exchange, twinned_with",
    ]
    assert count(Organisation) == 0 and count(OrgLink) == 0


def test_link_may_refer_to_an_organisation_already_in_the_database(app, tmp_path):
    write_jsonl(tmp_path / "a", "organisations.jsonl", [BISHKEK, UNION])
    assert import_folder(tmp_path / "a").ok
    write_jsonl(tmp_path / "b", "links.jsonl", [LINK])
    assert import_folder(tmp_path / "b").ok and count(OrgLink) == 1


def test_a_file_without_a_handler_is_an_error_not_skipped(app, tmp_path):
    write_jsonl(tmp_path, "organisations.jsonl", [UNION])
    write_jsonl(tmp_path, "recipes.jsonl", [{"id": "soup"}])
    report = import_folder(tmp_path)
    assert [str(e) for e in report.errors] == [
        "recipes.jsonl:0: -: no importer for this file (not supported yet)"
    ]
    assert count(Organisation) == 0


def test_ignore_unknown_accepts_extra_fields(app, tmp_path):
    write_jsonl(tmp_path, "organisations.jsonl", [{**UNION, "colour": "green"}])
    assert import_folder(tmp_path, ImportOptions(ignore_unknown=True)).ok
    assert count(Organisation) == 1


def test_skip_invalid_keeps_the_good_lines_and_drops_links_to_bad_ones(app, tmp_path):
    write_jsonl(tmp_path, "organisations.jsonl", [{**BISHKEK, "kind": "town"}, UNION])
    write_jsonl(tmp_path, "links.jsonl", [LINK])
    report = import_folder(tmp_path, ImportOptions(skip_invalid=True))
    assert report.written
    assert [str(e) for e in report.errors] == [
        "organisations.jsonl:1: kind: 'town' is not one of "
        "signatory, candidate, supporter, coordinator, office",
        "links.jsonl:1: source: unknown organisation 'bishkek'",
    ]
    assert db.session.scalars(select(Organisation.external_id)).all() == ["union"]
    assert count(OrgLink) == 0


def test_reimport_updates_instead_of_duplicating(app, tmp_path):
    write_jsonl(tmp_path, "organisations.jsonl", [BISHKEK, UNION])
    write_jsonl(tmp_path, "links.jsonl", [LINK])
    import_folder(tmp_path)
    write_jsonl(tmp_path, "organisations.jsonl", [{**BISHKEK, "population": 1100000, "website": None}, UNION])
    write_jsonl(tmp_path, "links.jsonl", [{**LINK, "since": "2020-01-01"}])
    report = import_folder(tmp_path)
    assert (
        report.files["organisations.jsonl"].updated == 2 and report.files["organisations.jsonl"].created == 0
    )
    assert count(Organisation) == 2 and count(OrgLink) == 1
    org = db.session.scalar(select(Organisation).where(Organisation.external_id == "bishkek"))
    db.session.refresh(org)
    assert org.population == 1100000 and org.website is None
    assert db.session.scalar(select(OrgLink.since)).isoformat() == "2020-01-01"


def test_round_trip_export_import_export_gives_identical_files(app_config, tmp_path):
    from covenant_hub import create_app

    source = tmp_path / "source"
    exchange = {
        "source": "bishkek",
        "target": "almaty",
        "kind": "exchange",
        "topic": "Автобустар",
        "since": "2022-10-05",
    }
    write_jsonl(
        source,
        "organisations.jsonl",
        [
            BISHKEK,
            UNION,
            {"id": "almaty", "kind": "signatory", "name": "Almaty", "country": "kz", "lat": 43.2389123456789},
            {"id": "office", "kind": "office", "name": "Office", "status": "applicant"},
        ],
    )
    write_jsonl(source, "links.jsonl", [LINK, exchange])
    first_app = create_app(app_config)
    with first_app.app_context():
        runner = first_app.test_cli_runner()
        assert runner.invoke(args=["import-data", str(source)]).exit_code == 0
        assert runner.invoke(args=["export-data", str(tmp_path / "one")]).exit_code == 0
        db.session.remove()
        db.engine.dispose()
    empty = dict(app_config, DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    second_app = create_app(empty)
    with second_app.app_context():
        from flask_migrate import upgrade

        upgrade()
        runner = second_app.test_cli_runner()
        assert runner.invoke(args=["import-data", str(tmp_path / "one")]).exit_code == 0
        assert runner.invoke(args=["export-data", str(tmp_path / "two")]).exit_code == 0
        db.session.remove()
        db.engine.dispose()
    for name in ("organisations.jsonl", "links.jsonl"):
        one = (tmp_path / "one" / name).read_text(encoding="utf-8")
        assert one.strip(), name  # exported something, so equal files mean something
        assert one == (tmp_path / "two" / name).read_text(encoding="utf-8")
    exported = [
        json.loads(line) for line in (tmp_path / "one" / "organisations.jsonl").read_text().splitlines()
    ]
    assert {record["id"]: record for record in exported}["bishkek"] == BISHKEK


def test_cli_reports_file_line_field_reason_and_exits_non_zero(runner, tmp_path):
    write_jsonl(tmp_path, "organisations.jsonl", [UNION, {**UNION, "id": "u2", "website": "ftp://x"}])
    result = runner.invoke(args=["import-data", str(tmp_path)])
    assert result.exit_code == 1
    assert "organisations.jsonl:2: website: not an http(s) URL: 'ftp://x'" in result.output
    assert count(Organisation) == 0


def test_cli_json_summary(runner, tmp_path):
    write_jsonl(tmp_path, "organisations.jsonl", [UNION])
    result = runner.invoke(args=["import-data", str(tmp_path), "--json"])
    summary = json.loads(result.output)
    assert summary["ok"] and summary["files"]["organisations.jsonl"]["created"] == 1
    result = runner.invoke(args=["export-data", str(tmp_path / "out"), "--json"])
    assert json.loads(result.output)["files"]["organisations.jsonl"] == 1
