"""Dashboard pages, API, filters, exports and escaping of hostile scraped text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import HOSTILE_FORMULA

PAGES = ["/", "/municipio/15001", "/verificacion/sitio.disponible", "/ipomex", "/corridas"]
APIS = ["/api/ranking", "/api/municipio/15001", "/api/verificacion/sitio.disponible", "/api/ipomex", "/api/corridas"]


@pytest.mark.parametrize("path", [*PAGES, *APIS, "/openapi.json", "/static/vigia.css"])
def test_every_route_answers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_openapi_documents_the_api_in_spanish(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/api/ranking",
        "/api/municipio/{cve}",
        "/api/verificacion/{check_id}",
        "/api/ipomex",
        "/api/corridas",
    } <= set(spec["paths"])
    assert spec["paths"]["/api/ranking"]["get"]["summary"] == "Clasificación de municipios"
    assert "RankingItem" in spec["components"]["schemas"]


def test_ranking_sorts_filters_and_shows_change(client: TestClient) -> None:
    rows = client.get("/api/ranking").json()["municipios"]
    assert [r["cve_inegi"] for r in rows] == ["15001", "15002", "15003"]
    assert rows[0]["puntajes"]["total"] == 100.0
    by_name = client.get("/api/ranking?orden=nombre").json()["municipios"]
    assert [r["nombre"] for r in by_name] == ["Acambay", "Acolman", "Aculco"]
    small = client.get("/api/ranking?poblacion=20k_100k").json()["municipios"]
    assert [r["cve_inegi"] for r in small] == ["15001", "15003"]
    assert client.get("/api/ranking?marginacion=Muy alto").json()["municipios"] == []
    assert len(client.get("/api/ranking?region=Toluca").json()["municipios"]) == 3
    assert "Acolman" not in client.get("/?poblacion=20k_100k").text


def test_ranking_lists_municipalities_without_runs(client: TestClient) -> None:
    unscored = client.get("/api/ranking").json()["municipios"][-1]
    assert unscored["cve_inegi"] == "15003" and unscored["corrida"] is None
    assert set(unscored["puntajes"].values()) == {None} and set(unscored["cambio"].values()) == {None}
    html = client.get("/").text
    assert "Aculco" in html and "s/d" in html
    assert client.get("/municipio/15003").status_code == 200


def test_checklist_shows_since_when_from_the_streak(client: TestClient) -> None:
    runs = client.get("/api/corridas").json()["corridas"]
    first, second = runs[-1]["fin"], runs[0]["fin"]
    items = {i["verificacion"]: i for i in client.get("/api/municipio/15002").json()["verificaciones"]}
    assert items["sitio.disponible"]["desde"] == second
    kept = {i["verificacion"]: i for i in client.get("/api/municipio/15001").json()["verificaciones"]}
    assert kept["sitio.disponible"]["desde"] == first


def test_municipality_shows_series_and_regression(client: TestClient) -> None:
    page = client.get("/api/municipio/15002").json()
    assert len(page["serie"]) == 2
    assert page["cambios"][0]["tipo"] == "regresión"
    html = client.get("/municipio/15002").text
    assert "<svg" in html and "regresión" in html


@pytest.mark.parametrize(
    "path",
    [
        "/municipio/15999",
        "/municipio/..%2F..%2Fetc",
        "/verificacion/no.existe",
        "/verificacion/..%2F..%2Fetc",
        "/api/municipio/15999",
        "/api/verificacion/x.y",
        "/nada",
    ],
)
def test_unknown_ids_are_404_in_spanish(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "No " in response.text and "Not Found" not in response.text


def test_csv_rows_match_the_database(client: TestClient) -> None:
    response = client.get("/?formato=csv")
    assert response.headers["content-disposition"] == 'attachment; filename="clasificacion.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    api = client.get("/api/ranking").json()["municipios"]
    assert [r["Clave INEGI"] for r in rows] == [a["cve_inegi"] for a in api]
    assert [r["Cumple"] for r in rows] == [str(a["cumple"]) for a in api]


@pytest.mark.parametrize("path", PAGES)
def test_every_table_exports_to_xlsx(client: TestClient, path: str) -> None:
    response = client.get(f"{path}?formato=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.active is not None and book.active.max_row >= 1


def test_hostile_evidence_is_inert_in_html(client: TestClient) -> None:
    html = client.get("/municipio/15001").text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "{{7*7}}" in html and ">49<" not in html
    assert "&lt;script&gt;" in html


def test_hostile_evidence_is_plain_data_in_json(client: TestClient) -> None:
    items = client.get("/api/municipio/15001").json()["verificaciones"]
    hostile = next(i for i in items if i["verificacion"] == "sitio.https")
    assert hostile["evidencia_url"] == "javascript:alert(1)"
    assert "{{7*7}}" in hostile["evidencia_texto"]


def test_formulas_are_neutralised_in_exports(client: TestClient) -> None:
    text = client.get("/municipio/15001?formato=csv").content.decode("utf-8-sig")
    assert "'" + HOSTILE_FORMULA.replace('"', '""') in text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/municipio/15001?formato=xlsx").content))
    sheet = book.active
    assert sheet is not None
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'" + HOSTILE_FORMULA in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_no_route_writes(client: TestClient, method: str) -> None:
    # Every write needs a logged-in auditor (tests/web/test_reviews_web.py): anonymous writes stop before routing.
    for path in [*PAGES, *APIS]:
        response = client.request(method, path)
        assert response.status_code == 401 and "Inicie sesión" in response.text


def test_ipomex_matrix_lists_every_municipality(client: TestClient) -> None:
    rows = client.get("/api/ipomex").json()["municipios"]
    assert [r["cve_inegi"] for r in rows] == ["15001", "15002", "15003"]
    assert set(rows[2]["estados"].values()) <= {"sin_dato"}
    html = client.get("/ipomex").text
    assert 'class="celda sin_dato" title="Sin dato">S</td>' in html
