"""The GCoM reader on tiny workbooks built here, the import-gcom command, and the real file."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.orgs.gcom import GcomFormatError, read_gcom
from covenant_hub.orgs.models import Organisation, OrgLink
from tests.orgs.helpers import gcom_row, make_gcom_xlsx

NETWORK = "Energy Agency of the Province"


@pytest.fixture
def workbook(tmp_path):
    rows = [
        gcom_row(
            organisation_id=1,
            organisation_name="Alba",
            gcom_id="IT0001",
            supporter_name=NETWORK,
            coordinator_name="Region of Piemonte",
            date_of_adhesion=datetime(2012, 5, 2),
            commitment_CoM2020_flag=True,
            commitment_mayoradapt_flag=True,
            population_adhesion=31000,
        ),
        gcom_row(
            organisation_id=2,
            organisation_name="Bra",
            gcom_id="IT0002",
            supporter_name=NETWORK + "  ",
            signatory_status="on_hold",
            date_of_adhesion=datetime(2017, 3, 1),
            organisation_latitude="44,70",
            population_adhesion="-",
        ),
        gcom_row(
            organisation_id=3,
            organisation_name="Nice",
            gcom_id="FR0001",
            country_code="fr",
            supporter_name=NETWORK,
            date_of_adhesion=datetime(2014, 1, 1),
        ),
        gcom_row(organisation_id="9_med", organisation_name="Salfeet", gcom_id="PS0007", country_code="ps"),
        gcom_row(
            organisation_id="10_med", organisation_name="Salfeet City", gcom_id="PS0007", country_code="ps"
        ),
        gcom_row(organisation_id=11, organisation_name="Nameless id", gcom_id="-", country_code="jo"),
        gcom_row(
            organisation_id=12,
            organisation_name="Colliding",
            gcom_id="ES0001",
            country_code="es",
            supporter_name="Agència d'Energia",
            date_of_adhesion=datetime(2010, 1, 1),
        ),
        gcom_row(
            organisation_id=13,
            organisation_name="Colliding 2",
            gcom_id="ES0002",
            country_code="es",
            supporter_name="Agencia d Energia",
            date_of_adhesion=datetime(2011, 1, 1),
        ),
    ]
    return make_gcom_xlsx(tmp_path / "gcom.xlsx", rows)


def test_signatories_fields_from_the_sheet(workbook):
    data = read_gcom(workbook)
    by_name = {s.name: s for s in data.signatories}
    alba, bra = by_name["Alba"], by_name["Bra"]
    assert alba.external_id == "gcom-it0001" and alba.status == "active"
    assert alba.commitments == ("2020", "2030", "adaptation")
    assert (alba.joined, alba.population, alba.country) == (date(2012, 5, 2), 31000, "it")
    assert bra.status == "on_hold" and bra.population is None and bra.lat == 44.70


def test_ids_are_unique_even_when_gcom_ids_repeat_or_are_missing(workbook):
    ids = [s.external_id for s in read_gcom(workbook).signatories]
    assert len(ids) == len(set(ids)) == 8
    assert {"gcom-ps0007-9-med", "gcom-ps0007-10-med", "gcom-org-11"} <= set(ids)


def test_supporters_and_coordinators_are_derived_from_names(workbook):
    data = read_gcom(workbook)
    supporters = {o.name: o for o in data.supporters}
    network = supporters[NETWORK]  # the name with trailing spaces is the same supporter
    assert network.external_id == "gcom-sup-energy-agency-of-the-province"
    assert network.member_count == 3 and network.country == "it"  # 2 of 3 members are Italian
    assert (network.lat, network.lon) in {(45.0, 9.0), (44.70, 9.0)}
    assert [o.external_id for o in data.coordinators] == ["gcom-coord-region-of-piemonte"]
    links = {(link.source, link.target, link.kind): link.since for link in data.links}
    assert links[("gcom-it0001", "gcom-coord-region-of-piemonte", "coordinated_by")] == date(2012, 5, 2)
    assert links[("gcom-fr0001", network.external_id, "supported_by")] == date(2014, 1, 1)


def test_names_whose_slugs_collide_get_distinct_ids(workbook):
    ids = {o.name: o.external_id for o in read_gcom(workbook).supporters}
    first, second = ids["Agència d'Energia"], ids["Agencia d Energia"]
    assert first != second and first.startswith("gcom-sup-agencia-d-energia-")


def test_country_is_null_when_members_are_spread(tmp_path):
    rows = [
        gcom_row(organisation_id=n, gcom_id=f"XX000{n}", country_code=code, supporter_name="Alps")
        for n, code in enumerate(("it", "fr", "at", "ch"))
    ]
    data = read_gcom(make_gcom_xlsx(tmp_path / "spread.xlsx", rows))
    assert data.supporters[0].country is None


def test_before_keeps_earlier_signatories_and_only_their_networks(workbook):
    data = read_gcom(workbook, before=date(2013, 1, 1))
    assert sorted(s.name for s in data.signatories) == ["Alba", "Colliding", "Colliding 2"]
    assert {o.name for o in data.supporters} == {NETWORK, "Agència d'Energia", "Agencia d Energia"}
    assert next(o for o in data.supporters if o.name == NETWORK).member_count == 1
    full_ids = {o.external_id for o in read_gcom(workbook).supporters}
    assert {o.external_id for o in data.supporters} <= full_ids


def test_a_workbook_without_sheet_1_is_refused(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    with pytest.raises(GcomFormatError):
        read_gcom(path)


def test_import_gcom_command_creates_then_updates(runner, workbook):
    result = runner.invoke(args=["import-gcom", str(workbook), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["signatories"] == 8 and summary["supporters"] == 3 and summary["created"] == 12
    org = db.session.scalar(select(Organisation).where(Organisation.external_id == "gcom-it0001"))
    org.description = "Written by the org admin"
    db.session.commit()
    again = json.loads(runner.invoke(args=["import-gcom", str(workbook), "--json"]).output)
    assert again["created"] == 0 and again["updated"] == 12
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 12
    assert db.session.scalar(select(func.count()).select_from(OrgLink)) == 6
    db.session.refresh(org)
    assert org.description == "Written by the org admin"


def test_import_gcom_before_option(runner, workbook):
    result = runner.invoke(args=["import-gcom", str(workbook), "--before", "2013-01-01"])
    assert result.exit_code == 0 and "3 signatories" in result.output
    assert runner.invoke(args=["import-gcom", str(workbook), "--before", "soon"]).exit_code == 2


@pytest.mark.slow
def test_real_shipped_file_through_load_demo(app):
    from covenant_hub.demo import load_demo_data

    assert load_demo_data().startswith("Demo data loaded")
    kinds = dict(
        db.session.execute(
            select(Organisation.kind, func.count())
            .where(Organisation.is_sample.is_(False))
            .group_by(Organisation.kind)
        ).all()
    )
    assert kinds["signatory"] >= 11900 and kinds["supporter"] == 162 and kinds["coordinator"] == 191
    assert db.session.scalar(select(func.count()).where(Organisation.is_sample.is_(True))) >= 13
    assert load_demo_data().startswith("Demo data not loaded")
    assert "0 created" in load_demo_data(force=True)
