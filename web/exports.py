"""Table exports to CSV and XLSX, with formula-like cells neutralised against CSV injection."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from starlette.responses import Response

from core.clock import machine_date, machine_datetime, to_local

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | bool | date | datetime | None
XLSX_DAY = "DD/MM/YYYY"
XLSX_TIME = "DD/MM/YYYY HH:MM"


@dataclass(frozen=True)
class Table:
    """A table ready to export: column keys with Spanish headers, and rows keyed by column."""

    name: str
    columns: Sequence[tuple[str, str]]
    rows: Sequence[Mapping[str, Cell]]


def neutralise(value: Cell) -> Cell:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def safe_filename(name: str, extension: str) -> str:
    """An ASCII file name made only of letters, digits, dots, dashes and underscores."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "vigia"
    return f"{stem[:80]}.{extension}"


def _matrix(table: Table) -> list[list[Cell]]:
    header: list[Cell] = [neutralise(label) for _, label in table.columns]
    body = [[neutralise(row.get(key)) for key, _ in table.columns] for row in table.rows]
    return [header, *body]


def _csv_cell(cell: Cell) -> str | int | float | bool:
    """CSV is for machines: times and days in ISO 8601 (times with their Mexico City offset)."""
    if isinstance(cell, datetime):
        return machine_datetime(cell) or ""
    if isinstance(cell, date):
        return machine_date(cell) or ""
    return "" if cell is None else cell


def _xlsx_cell(cell: Cell) -> Cell:
    """Spreadsheets are for people: a time becomes a Mexico City time (Excel cells carry no zone)."""
    return to_local(cell).replace(tzinfo=None) if isinstance(cell, datetime) else cell


def to_csv(table: Table) -> bytes:
    """CSV in UTF-8 with BOM (so that Excel reads the accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in _matrix(table):
        writer.writerow([_csv_cell(cell) for cell in line])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    """One-sheet workbook; every text cell is stored as a string, never as a formula."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.name[:31] or "datos"
    for line in _matrix(table):
        sheet.append([_xlsx_cell(cell) for cell in line])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, datetime):  # shown day first, as people read dates
                cell.number_format = XLSX_TIME
            elif isinstance(cell.value, date):
                cell.number_format = XLSX_DAY
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_response(table: Table, fmt: str) -> Response:
    """An attachment response with the table in fmt (csv or xlsx)."""
    if fmt == "xlsx":
        body, media, ext = to_xlsx(table), XLSX_TYPE, "xlsx"
    else:
        body, media, ext = to_csv(table), "text/csv; charset=utf-8", "csv"
    filename = safe_filename(table.name, ext)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
