"""Table exports to CSV and XLSX, with formula-like cells neutralised against CSV injection."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from starlette.responses import Response

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | bool | None


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


def to_csv(table: Table) -> bytes:
    """CSV in UTF-8 with BOM (so that Excel reads the accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in _matrix(table):
        writer.writerow(["" if cell is None else cell for cell in line])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    """One-sheet workbook; every text cell is stored as a string, never as a formula."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.name[:31] or "datos"
    for line in _matrix(table):
        sheet.append(line)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
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
