"""Helpers for the orgs and API tests: logging in, data-set folders and tiny GCoM workbooks."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

GCOM_HEADER = (
    "organisation_id",
    "organisation_name",
    "coordinator_name",
    "supporter_name",
    "country_code",
    "country_name",
    "population_adhesion",
    "organisation_latitude",
    "organisation_longitude",
    "group_organisation_id",
    "group_name",
    "commitment_CoM2020_flag",
    "commitment_CoM2030_flag",
    "commitment_CoM2050_flag",
    "commitment_mayoradapt_flag",
    "adhesion_type",
    "signatory_status",
    "mayor",
    "date_of_adhesion",
    "action_plan_expected",
    "group_profile",
    "gcom_id",
)


def write_jsonl(folder: Path, name: str, records: Iterable[Any]) -> Path:
    """One file of a data set; a str record is written as the raw line."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path = folder / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def gcom_row(**fields: Any) -> tuple[Any, ...]:
    """A sheet-1 row with plausible defaults; "-" is the sheet's missing value."""
    values: dict[str, Any] = {
        "organisation_id": 1,
        "organisation_name": "Town",
        "coordinator_name": "-",
        "supporter_name": "-",
        "country_code": "it",
        "country_name": "Italy",
        "population_adhesion": 1000,
        "organisation_latitude": 45.0,
        "organisation_longitude": 9.0,
        "group_organisation_id": "-",
        "group_name": "-",
        "commitment_CoM2020_flag": False,
        "commitment_CoM2030_flag": True,
        "commitment_CoM2050_flag": False,
        "commitment_mayoradapt_flag": False,
        "adhesion_type": "As an individual signatory",
        "signatory_status": "published",
        "mayor": "-",
        "date_of_adhesion": datetime(2015, 1, 1),
        "action_plan_expected": True,
        "group_profile": False,
        "gcom_id": "IT0001",
    }
    values.update(fields)
    return tuple(values[name] for name in GCOM_HEADER)


def make_gcom_xlsx(path: Path, rows: list[tuple[Any, ...]]) -> Path:
    """A workbook shaped like df1: a README sheet and sheet "1" with the header."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "README"
    sheet = workbook.create_sheet("1")
    sheet.append(GCOM_HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path
