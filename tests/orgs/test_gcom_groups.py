"""Joint-SEAP groups of the GCoM sheet become `twinned_with` links between partner cities."""

from __future__ import annotations

from datetime import date, datetime

from covenant_hub.orgs import gcom
from covenant_hub.orgs.gcom import read_gcom
from tests.orgs.helpers import gcom_row, make_gcom_xlsx

JOINT = "As a group of signatories committing collectively (joint SEAP - option 2)"


def _member(number: int, group: object, joined: datetime) -> tuple:
    return gcom_row(organisation_id=number, organisation_name=f"Town {number}", gcom_id=f"IT{number:04d}",
                    group_organisation_id=group, group_name=f"Union {group}", adhesion_type=JOINT,
                    date_of_adhesion=joined)


def _twins(data: gcom.GcomDataset) -> dict[tuple[str, str], date | None]:
    return {(link.source, link.target): link.since for link in data.links if link.kind == "twinned_with"}


def test_a_small_group_is_a_clique_dated_by_the_later_adhesion(tmp_path):
    rows = [_member(1, 500, datetime(2014, 3, 1)), _member(2, 500, datetime(2012, 1, 1)),
            _member(3, 500, datetime(2016, 6, 1)), _member(4, "-", datetime(2012, 1, 1)),
            _member(5, 600, datetime(2013, 1, 1))]
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
