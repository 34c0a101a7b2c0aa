"""memberships.jsonl and the review fields of organisations.jsonl: imported, exported, and the
round trip export -> import -> export gives identical files."""

from __future__ import annotations

import json

from covenant_hub.extensions import db
from covenant_hub.interchange import ImportOptions, import_folder
from covenant_hub.orgs.models import Membership, Organisation
from tests.factories import make_user
from tests.orgs.helpers import write_jsonl

ORGS = [
    {"id": "osh", "kind": "signatory", "name": "Ош", "country": "kg", "email_domain": "osh.kg"},
    {"id": "new-town", "kind": "signatory", "name": "New Town", "country": "kg", "review": "pending"},
    {
        "id": "fake",
        "kind": "signatory",
        "name": "Fake",
        "country": "kg",
        "review": "refused",
        "review_note": "No",
    },
]
MEMBERS = [
    {"org": "osh", "user": "mayor@osh.kg", "role": "org_admin"},
    {"org": "osh", "user": "clerk@osh.kg", "role": "member"},
]


def _by_id(external_id: str) -> Organisation:
    return db.session.query(Organisation).filter_by(external_id=external_id).one()


def test_import_reads_review_and_memberships(app, tmp_path):
    mayor, clerk = make_user(email="mayor@osh.kg"), make_user(email="clerk@osh.kg")
    write_jsonl(tmp_path, "organisations.jsonl", ORGS)
    write_jsonl(tmp_path, "memberships.jsonl", MEMBERS)
    report = import_folder(tmp_path, ImportOptions())
    assert report.ok, report.errors
    osh = _by_id("osh")
    assert osh.review_state == "approved" and osh.email_domain == "osh.kg"
    assert _by_id("new-town").review_state == "pending"
    assert _by_id("fake").review_note == "No"
    assert db.session.get(Membership, (mayor.id, osh.id)).role == "org_admin"
    assert db.session.get(Membership, (clerk.id, osh.id)).role == "member"


def test_a_member_without_an_account_is_an_error_and_nothing_is_written(app, tmp_path):
    write_jsonl(tmp_path, "organisations.jsonl", ORGS[:1])
    write_jsonl(tmp_path, "memberships.jsonl", [{"org": "osh", "user": "nobody@osh.kg", "role": "member"}])
    report = import_folder(tmp_path, ImportOptions())
    assert not report.ok
    assert any(e.field == "user" for e in report.errors)
    assert db.session.query(Organisation).count() == 0


def test_round_trip_is_lossless(app, tmp_path):
    make_user(email="mayor@osh.kg"), make_user(email="clerk@osh.kg")
    write_jsonl(tmp_path / "in", "organisations.jsonl", ORGS)
    write_jsonl(tmp_path / "in", "memberships.jsonl", MEMBERS)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import-data", str(tmp_path / "in")]).exit_code == 0
    assert runner.invoke(args=["export-data", str(tmp_path / "one")]).exit_code == 0
    assert runner.invoke(args=["import-data", str(tmp_path / "one")]).exit_code == 0
    assert runner.invoke(args=["export-data", str(tmp_path / "two")]).exit_code == 0
    for name in ("organisations.jsonl", "memberships.jsonl"):
        one = (tmp_path / "one" / name).read_text(encoding="utf-8")
        assert one.strip() and one == (tmp_path / "two" / name).read_text(encoding="utf-8")
    exported = [
        json.loads(line) for line in (tmp_path / "one" / "memberships.jsonl").read_text().splitlines()
    ]
    assert sorted(exported, key=lambda r: r["user"]) == sorted(MEMBERS, key=lambda r: r["user"])
    orgs = {
        json.loads(line)["id"]: json.loads(line) for line in (tmp_path / "one" / "organisations.jsonl").open()
    }
    assert orgs["new-town"]["review"] == "pending" and "review" not in orgs["osh"]
