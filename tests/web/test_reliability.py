"""The «Confiabilidad» page and API, and the measured precision and «en revisión» mark next to every verdict."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from checks.catalogue import load_catalogue
from checks.labels import Label
from checks.precision import compare
from checks.reliability import save_measurement
from config import paths
from web.app import create_app

NOTE = "acuerdo 50 % en 2 etiquetas, medido el 06/12/2026"
Client = Callable[[str | None], TestClient]


@pytest.fixture
def client_with(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    """A dashboard whose committed measurement (of the given catalogue version, or none) puts sitio.disponible
    en revisión with one false accusation in two labels."""
    opened: list[TestClient] = []

    def make(version: str | None) -> TestClient:
        path = tmp_path / f"confiabilidad-{version}.yaml"
        if version is not None:
            labels = [Label("a", "sitio.disponible", "cumple", 1), Label("b", "sitio.disponible", "cumple", 2)]
            labels.append(Label("a", "sitio.https", "no_cumple", 3))
            verdicts = {
                "a": {"sitio.disponible": "cumple", "sitio.https": "no_cumple"},
                "b": {"sitio.disponible": "no_cumple"},
            }
            ids = ["sitio.disponible", "sitio.https", "sitio.movil"]
            save_measurement(compare(labels, verdicts, ids, date(2026, 12, 6), version), path)
        monkeypatch.setattr(paths, "RELIABILITY", path)
        client = TestClient(create_app(db_url, require_login=False))
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def test_the_page_lists_every_measured_check_and_explains_the_figures(client_with: Client) -> None:
    client = client_with(load_catalogue().version)
    html = client.get("/confiabilidad").text
    assert "Confiabilidad de las verificaciones" in html and "acusación falsa" in html
    assert "Medido el 06/12/2026 en 2 sitios reales con 3 etiquetas" in html
    assert "en revisión" in html and "versión anterior" not in html
    assert 'href="/confiabilidad"' in client.get("/").text
    data = client.get("/api/confiabilidad").json()
    assert (data["medido"], data["fecha"], data["sitios"], data["etiquetas"], data["medicion_anterior"]) == (
        True,
        "2026-12-06",
        2,
        3,
        False,
    )
    items = {item["verificacion"]: item for item in data["verificaciones"]}
    assert list(items) == ["sitio.disponible", "sitio.https", "sitio.movil"]
    assert items["sitio.disponible"] == {
        "verificacion": "sitio.disponible",
        "etiqueta": load_catalogue().get("sitio.disponible").label,
        "etiquetas": 2,
        "acuerdo": 0.5,
        "acusaciones_falsas": 1,
        "credito_falso": 0,
        "cobertura": 1.0,
        "en_revision": True,
    }
    assert items["sitio.movil"]["acuerdo"] is None and data["totales"]["etiquetas"] == 3
    assert "/api/confiabilidad" in client.get("/openapi.json").json()["paths"]
    rows = list(csv.reader(io.StringIO(client.get("/confiabilidad?formato=csv").content.decode("utf-8-sig"))))
    assert rows[0][-1] == "En revisión" and rows[1][0] == "sitio.disponible"


def test_verdicts_carry_the_measured_precision_and_the_en_revision_mark(client_with: Client) -> None:
    client = client_with(load_catalogue().version)
    items = {i["verificacion"]: i for i in client.get("/api/municipio/15002").json()["verificaciones"]}
    assert (items["sitio.disponible"]["confiabilidad"], items["sitio.disponible"]["en_revision"]) == (NOTE, True)
    other = {i["verificacion"]: i for i in client.get("/api/municipio/15001").json()["verificaciones"]}
    assert (other["sitio.https"]["confiabilidad"], other["sitio.https"]["en_revision"]) == (
        "acuerdo 100 % en 1 etiqueta, medido el 06/12/2026",
        False,
    )
    html = client.get("/municipio/15002").text
    assert NOTE in html and "en revisión" in html
    check = client.get("/api/verificacion/sitio.disponible").json()
    assert (check["confiabilidad"], check["en_revision"]) == (NOTE, True)
    assert client.get("/verificacion/sitio.disponible").text.count(NOTE) >= 2
    exported = client.get("/municipio/15002?formato=csv").content.decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(exported)))
    assert header[-2:] == ["En revisión", "Confiabilidad medida"]
    assert [line[-2:] for line in lines if line[0] == "sitio.disponible"] == [["True", NOTE]]


def test_a_measurement_of_another_catalogue_version_says_so(client_with: Client) -> None:
    client = client_with("version-vieja")
    assert "Medición de una versión anterior del catálogo" in client.get("/confiabilidad").text
    assert client.get("/api/confiabilidad").json()["medicion_anterior"] is True
    items = {i["verificacion"]: i for i in client.get("/api/municipio/15002").json()["verificaciones"]}
    assert items["sitio.disponible"]["confiabilidad"] == NOTE + "; medición de una versión anterior del catálogo"


def test_without_a_measurement_the_page_says_how_to_make_one(client_with: Client) -> None:
    client = client_with(None)
    assert "vigia precision --guardar" in client.get("/confiabilidad").text
    data = client.get("/api/confiabilidad").json()
    assert (data["medido"], data["verificaciones"], data["totales"]) == (False, [], None)
    items = client.get("/api/municipio/15002").json()["verificaciones"]
    assert all(i["confiabilidad"] is None and i["en_revision"] is False for i in items)
    assert "sin medición de confiabilidad" in client.get("/municipio/15002").text


def test_vigia_report_marks_checks_en_revision(client_with: Client, db_url: str) -> None:
    from typer.testing import CliRunner

    from vigia.cli import app

    client_with(load_catalogue().version)
    runner, env = CliRunner(), {"COLUMNS": "200"}
    data = json.loads(runner.invoke(app, ["report", "--db", db_url, "--format", "json"], env=env).stdout)
    marks = {(row["cve_inegi"], c["id"]): c["en_revision"] for row in data for c in row["checks"]}
    assert marks[("15002", "sitio.disponible")] is True and marks[("15001", "sitio.https")] is False
    table = runner.invoke(app, ["report", "--db", db_url, "--municipio", "15002", "--detalle"], env=env).stdout
    assert "No cumple (en revisión)" in table and "su no_cumple no genera alertas" in table
    header, *lines = csv.reader(
        io.StringIO(runner.invoke(app, ["report", "--db", db_url, "-f", "csv"], env=env).stdout)
    )
    at = header.index("en_revision")
    assert {line[at] for line in lines} == {"sitio.disponible"}
