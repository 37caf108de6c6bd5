"""The dashboard shows dates as people read them (dd/mm/aaaa, Mexico City time); the API keeps its ISO contract."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import openpyxl
from fastapi.testclient import TestClient

PEOPLE_TIME = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")
PEOPLE_DAY = re.compile(r"\d{2}/\d{2}/\d{4}")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_runs_page_shows_day_first_times(client: TestClient) -> None:
    page = client.get("/corridas").text
    assert PEOPLE_TIME.search(page) and "Fechas en hora del centro de México." in page
    assert not ISO.search(page)


def test_municipality_page_and_chart_labels_show_day_first_dates(client: TestClient) -> None:
    page = client.get("/municipio/15001").text
    assert PEOPLE_DAY.search(page)
    assert not ISO.search(page)


def test_api_keeps_iso_with_offset(client: TestClient) -> None:
    runs = client.get("/api/corridas").json()
    moments = [v for run in runs["corridas"] for k, v in run.items() if k in ("inicio", "fin") and v]
    assert moments and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}-0[56]:00", m) for m in moments)


def test_spreadsheet_export_holds_day_first_times_and_csv_holds_iso(client: TestClient) -> None:
    book = openpyxl.load_workbook(io.BytesIO(client.get("/corridas?formato=xlsx").content))
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    start = sheet.cell(row=2, column=header.index("Inicio") + 1)
    assert isinstance(start.value, datetime) and start.number_format == "DD/MM/YYYY HH:MM"
    rows = list(csv.DictReader(io.StringIO(client.get("/corridas?formato=csv").content.decode("utf-8-sig"))))
    assert rows and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[56]:00", r["Inicio"]) for r in rows)
    local = datetime.fromisoformat(rows[0]["Inicio"]).replace(tzinfo=None)
    assert abs(start.value - local) < timedelta(seconds=2)  # the same Mexico City time (CSV drops the fraction)
