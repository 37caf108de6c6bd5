"""The LOSI-style score, stored once per run, in the dashboard ranking, its exports and `vigia reporte`."""

from __future__ import annotations

import csv
import io
import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from vigia.cli import app

# Acambay's latest run: sitio.https cumple (the published «HTTPS» indicator) and sitio.disponible, which names no
# LOSI indicator; Acolman's: only sitio.disponible, so no LOSI indicator is assessed.
EXPECTED = {"15001": 100.0, "15002": None, "15003": None}


def test_dashboard_ranking_and_api_show_the_stored_losi(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and ">LOSI<" in page.text.replace(" ", "")
    api = client.get("/api/ranking").json()["municipios"]
    assert {row["cve_inegi"]: row["puntajes"]["losi"] for row in api} == EXPECTED
    ordered = client.get("/api/ranking?orden=losi").json()
    assert ordered["orden"] == "losi" and ordered["municipios"][0]["cve_inegi"] == "15001"


def test_ranking_export_adds_losi_after_the_published_columns(client: TestClient) -> None:
    text = client.get("/?formato=csv").content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[-2:] == ["LOSI", "Cambio LOSI"] and header.count("LOSI") == 1
    rows = {row["Clave INEGI"]: row["LOSI"] for row in csv.DictReader(io.StringIO(text))}
    assert {cve: float(value) if value else None for cve, value in rows.items()} == EXPECTED


def test_report_csv_json_and_table_carry_losi(db_url: str) -> None:
    runner = CliRunner()
    as_csv = runner.invoke(app, ["report", "--db", db_url, "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    header = next(csv.reader(io.StringIO(as_csv.stdout)))
    assert header[-2:] == ["losi", "losi_revisado"] and header[7:12] == ["P2", "P3", "P4", "total", "ipomex"]
    losi = {row["cve_inegi"]: row["losi"] for row in csv.DictReader(io.StringIO(as_csv.stdout))}
    assert {cve: float(losi[cve]) if losi[cve] else None for cve in EXPECTED} == EXPECTED
    as_json = json.loads(runner.invoke(app, ["report", "--db", db_url, "--format", "json"]).stdout)
    assert {row["cve_inegi"]: row["scores"]["losi"] for row in as_json if row["cve_inegi"] in EXPECTED} == EXPECTED
    table = runner.invoke(app, ["report", "--db", db_url, "-m", "15001"], env={"COLUMNS": "250"})
    assert table.exit_code == 0 and "LOSI" in table.stdout and "100.0" in table.stdout
