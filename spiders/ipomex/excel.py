"""Read an IPOMEX Excel export (.xls, BIFF): the format's rows with their own fecha de actualización and validación.

The legacy export answers a workbook whose sheet "Datos" has the format's fields followed by "Fecha de actualización",
"Fecha de validación", "Área o unidad administrativa responsable" and "Nota". Columns are found by their header text,
never by position, and the header row may come after title rows (as in the national platform's exports).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import xlrd

from checks.ipomex_model import FractionPage, FractionRecord
from core.text import fold
from spiders.ipomex.base import record_from

SHEET = "datos"
HEADER_ROWS = 10  # how far down the header row may be
# Header text (folded) → record field; the first key found in a header wins.
COLUMNS = (
    ("actualizacion", "actualizacion"),
    ("validacion", "validacion"),
    ("ejercicio", "ejercicio"),
    ("inicio", "inicio"),
    ("termino", "termino"),
    ("area", "area"),
    ("nota", "nota"),
    ("hipervinculo", "documentos"),
    ("document", "documentos"),
)


class ExportError(ValueError):
    """The export is not a readable workbook of the expected shape; the message is Spanish and says why."""


def read_export(content: bytes, articulo: str, label: str, url: str) -> FractionPage:
    """The fraction as its export shows it: records with their own dates, or an error page saying why not."""
    try:
        records = tuple(export_records(content))
    except ExportError as exc:
        return FractionPage(articulo, label, url, "error", error=str(exc), rows_from="excel")
    return FractionPage(articulo, label, url, "records", records, rows_from="excel")


def export_records(content: bytes) -> Iterator[FractionRecord]:
    """The export's rows as records (rows with no value at all are skipped); ExportError when none can be read."""
    sheet, datemode = _sheet(content)
    header = _header_row(sheet)
    names = [_field(str(sheet.cell_value(header, c))) for c in range(sheet.ncols)]
    found = 0
    for row in range(header + 1, sheet.nrows):
        cells = sheet.row(row)
        if all(cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) for cell in cells):
            continue
        found += 1
        yield _record(cells, names, datemode)
    if not found:
        raise ExportError("no trae filas")


def _sheet(content: bytes) -> tuple[xlrd.sheet.Sheet, int]:
    """The sheet "Datos" (else the first one) and the workbook's date mode."""
    try:
        # xlrd writes its warnings to stdout unless given a log file: they belong nowhere in the crawl's output.
        book = xlrd.open_workbook(file_contents=content, logfile=io.StringIO())
    except Exception:  # xlrd reports a broken file with many exception types; all mean "unreadable"
        raise ExportError("no es un libro .xls legible") from None
    sheets = book.sheets()
    if not sheets:
        raise ExportError("no tiene hojas")
    chosen = next((s for s in sheets if fold(s.name).strip() == SHEET), sheets[0])
    return chosen, book.datemode


def _header_row(sheet: xlrd.sheet.Sheet) -> int:
    """The first row naming a «Fecha de actualización» column."""
    for row in range(min(sheet.nrows, HEADER_ROWS)):
        if any("actualizacion" in fold(str(value)) for value in sheet.row_values(row)):
            return row
    raise ExportError("no tiene la columna «Fecha de actualización»")


def _field(header: str) -> str | None:
    folded = fold(header)
    return next((name for key, name in COLUMNS if key in folded), None)


def _record(cells: list[xlrd.sheet.Cell], names: list[str | None], datemode: int) -> FractionRecord:
    values: dict[str, str | None] = {}
    documents = 0
    for name, cell in zip(names, cells, strict=False):
        if name == "documentos":
            documents += sum(1 for part in str(cell.value).split() if part.startswith(("http://", "https://", "/")))
        elif name is not None and name not in values:
            values[name] = _text(cell, datemode)
    return record_from(values, documents)


def _text(cell: xlrd.sheet.Cell, datemode: int) -> str | None:
    """A cell as text; a date cell as aaaa-mm-dd (the form parse_date reads), a whole number without ".0"."""
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return str(xlrd.xldate_as_datetime(cell.value, datemode).date().isoformat())
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return None
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return str(int(cell.value))
    text = str(cell.value).strip()
    return text or None
