"""Tables a person can open in a spreadsheet: CSV (UTF-8 with a BOM, so Excel reads Cyrillic)
and XLSX (openpyxl). Both are built from the same rows, and their ETag is a hash of the rows,
so an unchanged list answers 304 (see conditional.py) although XLSX files carry zip times."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Response, abort
from openpyxl import Workbook
from openpyxl.styles import Font

EXPORT_FORMATS = ("csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ROWS = 20_000  # the whole directory fits; beyond that the API's paging is the way
# A cell starting with one of these is a formula to a spreadsheet: an organisation named
# "=HYPERLINK(...)" would run in the reader's Excel. A leading apostrophe keeps it text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FIXED_TIME = datetime(2000, 1, 1)  # the XLSX's own created/modified times: the same bytes each time
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Table:
    """A header row and data rows of plain values (str, int, float, date, None)."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]

    def digest(self) -> str:
        data = json.dumps([self.title, list(self.columns), [list(row) for row in self.rows]], default=str)
        return hashlib.sha256(data.encode()).hexdigest()[:32]


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should show it: text never starts a formula, lists are joined."""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(name) for name in table.columns])
    for row in table.rows:
        writer.writerow(["" if value is None else _text(safe_cell(value)) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE_BAD.sub(" ", table.title)[:31] or "Sheet"
    sheet.append([safe_cell(name) for name in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_xlsx_value(safe_cell(value)) for value in row])
    sheet.freeze_panes = "A2"
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; times are UTC
    return value


def export_response(table: Table, fmt: str, filename: str) -> Response:
    """The table as a download named `filename`.<fmt>; 404 for an unknown format."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    body = to_csv(table) if fmt == "csv" else to_xlsx(table)
    response = Response(body, mimetype=MIMETYPES[fmt])
    if fmt == "csv":
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)[:100] or "export"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}.{fmt}"'
    response.set_etag(f"{table.digest()}-{fmt}")
    return response
