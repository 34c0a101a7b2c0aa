"""Joint-SEAP groups of the GCoM sheet become `twinned_with` links between partner cities."""

from __future__ import annotations

from datetime import date, datetime

from covenant_hub.orgs import gcom
from covenant_hub.orgs.gcom import read_gcom
from tests.orgs.helpers import gcom_row, make_gcom_xlsx

JOINT = "As a group of signatories committing collectively (joint SEAP - option 2)"


def _member(number: int, group: object, joined: datetime) -> tuple:
    return gcom_row(
        organisation_id=number,
        organisation_name=f"Town {number}",
        gcom_id=f"IT{number:04d}",
        group_organisation_id=group,
        group_name=f"Union {group}",
        adhesion_type=JOINT,
        date_of_adhesion=joined,
    )


def _twins(data: gcom.GcomDataset) -> dict[tuple[str, str], date | None]:
    return {(link.source, link.target): link.since for link in data.links if link.kind == "twinned_with"}


def test_a_small_group_is_a_clique_dated_by_the_later_adhesion(tmp_path):
    rows = [
        _member(1, 500, datetime(2014, 3, 1)),
        _member(2, 500, datetime(2012, 1, 1)),
        _member(3, 500, datetime(2016, 6, 1)),
        _member(4, "-", datetime(2012, 1, 1)),
        _member(5, 600, datetime(2013, 1, 1)),
    ]
    twins = _twins(read_gcom(make_gcom_xlsx(tmp_path / "groups.xlsx", rows)))
    assert twins == {
        ("gcom-it0002", "gcom-it0001"): date(2014, 3, 1),
        ("gcom-it0002", "gcom-it0003"): date(2016, 6, 1),
        ("gcom-it0001", "gcom-it0003"): date(2016, 6, 1),
    }


def test_a_large_group_is_a_star_around_its_earliest_member(tmp_path, monkeypatch):
    monkeypatch.setattr(gcom, "GROUP_CLIQUE_MAX", 2)
    rows = [_member(n, 700, datetime(2010 + n, 1, 1)) for n in (3, 1, 2)]
    twins = _twins(read_gcom(make_gcom_xlsx(tmp_path / "star.xlsx", rows)))
    assert set(twins) == {("gcom-it0001", "gcom-it0002"), ("gcom-it0001", "gcom-it0003")}


def test_before_links_only_members_already_signed(tmp_path):
    rows = [_member(1, 500, datetime(2012, 1, 1)), _member(2, 500, datetime(2019, 6, 1))]
    path = make_gcom_xlsx(tmp_path / "later.xlsx", rows)
    assert _twins(read_gcom(path, before=date(2019, 1, 1))) == {}
    assert _twins(read_gcom(path)) == {("gcom-it0001", "gcom-it0002"): date(2019, 6, 1)}


def test_import_writes_group_links(runner, tmp_path):
    rows = [_member(1, 500, datetime(2012, 1, 1)), _member(2, 500, datetime(2013, 1, 1))]
    result = runner.invoke(args=["import-gcom", str(make_gcom_xlsx(tmp_path / "g.xlsx", rows)), "--json"])
    assert result.exit_code == 0, result.output
    from sqlalchemy import select

    from covenant_hub.extensions import db
    from covenant_hub.orgs.models import OrgLink

    assert db.session.scalars(select(OrgLink.kind)).all() == ["twinned_with"]


def _links(kind: str) -> set[tuple[str, str]]:
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from covenant_hub.extensions import db
    from covenant_hub.orgs.models import Organisation, OrgLink

    source, target = aliased(Organisation), aliased(Organisation)
    rows = db.session.execute(
        select(source.external_id, target.external_id)
        .join(OrgLink, OrgLink.source_id == source.id)
        .join(target, OrgLink.target_id == target.id)
        .where(OrgLink.kind == kind)
    )
    return {tuple(row) for row in rows}


def test_a_reimport_drops_the_links_the_sheet_no_longer_names(runner, tmp_path):
    from covenant_hub.extensions import db
    from covenant_hub.orgs.models import Organisation, OrgLink

    first = [
        _member(1, 500, datetime(2012, 1, 1)),
        _member(2, 500, datetime(2013, 1, 1)),
        _member(3, 500, datetime(2014, 1, 1)),
    ]
    path = make_gcom_xlsx(tmp_path / "first.xlsx", first)
    assert runner.invoke(args=["import-gcom", str(path)]).exit_code == 0
    assert len(_links("twinned_with")) == 3
    town1 = db.session.scalar(db.select(Organisation).where(Organisation.external_id == "gcom-it0001"))
    town3 = db.session.scalar(db.select(Organisation).where(Organisation.external_id == "gcom-it0003"))
    db.session.add(OrgLink(source_id=town1.id, target_id=town3.id, kind="exchange"))  # made on the site
    db.session.commit()
    second = [
        _member(1, 500, datetime(2012, 1, 1)),
        _member(2, 500, datetime(2013, 1, 1)),
        _member(3, "-", datetime(2014, 1, 1)),
    ]  # town 3 left the joint plan
    path = make_gcom_xlsx(tmp_path / "second.xlsx", second)
    assert runner.invoke(args=["import-gcom", str(path)]).exit_code == 0
    assert _links("twinned_with") == {("gcom-it0001", "gcom-it0002")}
    assert _links("exchange") == {("gcom-it0001", "gcom-it0003")}


def test_a_reimport_follows_a_city_to_its_new_coordinator(runner, tmp_path):
    rows = [
        gcom_row(
            organisation_id=1,
            organisation_name="Town 1",
            gcom_id="IT0001",
            coordinator_name="Province A",
            date_of_adhesion=datetime(2012, 1, 1),
        )
    ]
    assert runner.invoke(args=["import-gcom", str(make_gcom_xlsx(tmp_path / "a.xlsx", rows))]).exit_code == 0
    rows = [
        gcom_row(
            organisation_id=1,
            organisation_name="Town 1",
            gcom_id="IT0001",
            coordinator_name="Region B",
            date_of_adhesion=datetime(2012, 1, 1),
        )
    ]
    assert runner.invoke(args=["import-gcom", str(make_gcom_xlsx(tmp_path / "b.xlsx", rows))]).exit_code == 0
    assert _links("coordinated_by") == {("gcom-it0001", "gcom-coord-region-b")}


def test_an_import_before_a_date_keeps_the_partners_of_later_cities(runner, tmp_path):
    rows = [_member(1, 500, datetime(2012, 1, 1)), _member(2, 500, datetime(2020, 1, 1))]
    path = make_gcom_xlsx(tmp_path / "g.xlsx", rows)
    assert runner.invoke(args=["import-gcom", str(path)]).exit_code == 0
    assert runner.invoke(args=["import-gcom", str(path), "--before", "2019-01-01"]).exit_code == 0
    assert _links("twinned_with") == {("gcom-it0001", "gcom-it0002")}
