"""The JSON contract: field names, their order and value formats of every API answer and of `vigia reporte`."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from vigia.cli import app

LOCAL_MINUTES = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d[-+]\d\d:\d\d$")
SCORES = ["P2", "P3", "P4", "total", "ipomex", "losi"]  # losi added last (issue 17)
RANKING_ITEM = ["cve_inegi", "nombre", "poblacion_2020", "grado_marginacion", "region", "corrida", "fecha"]
RANKING_ITEM += [
    "puntajes",
    "cambio",
    "cumple",
    "no_cumple",
    "indeterminado",
    "puntajes_revisados",
    "revisiones_vigentes",
]
MUNICIPALITY = ["cve_inegi", "nombre", "poblacion_2020", "grado_marginacion", "region", "sitio_web"]
MUNICIPALITY += ["verificaciones", "serie", "fracciones", "cambios", "captura_inicio"]
CHECKLIST_ITEM = ["verificacion", "etiqueta", "area", "estado", "evidencia_url", "evidencia_texto", "detalle", "desde"]
CHECKLIST_ITEM += ["confiabilidad", "en_revision", "copia_archivada", "captura", "estado_revisado", "revision"]
RUN_ITEM = ["id", "tipo", "estado", "inicio", "fin", "duracion_segundos", "sitios", "paginas_ok", "paginas_error"]
RUN_ITEM += ["error", "sin_leer", "reanuda", "reanudada_por", "etapas_conservadas"]
REPORT_ROW = ["cve_inegi", "nombre", "poblacion_2020", "grado_marginacion", "region", "sitio_web", "run_id", "fecha"]
REPORT_ROW += ["scores", "cumple", "no_cumple", "indeterminado", "motivo_sitio", "checks", "sin_leer"]
REPORT_ROW += ["puntajes_revisados", "revisiones_vigentes"]
REPORT_CHECK = ["id", "status", "reason", "detail", "evidence", "source", "law", "last_update", "en_revision"]
REPORT_CHECK += ["estado_revisado", "revision"]


def _keys(item: dict[str, Any]) -> list[str]:
    return list(item)


def test_ranking_and_municipality_answers_keep_their_fields_and_formats(client: TestClient) -> None:
    ranking = client.get("/api/ranking").json()
    assert _keys(ranking) == ["orden", "filtros", "municipios"]
    for row in ranking["municipios"]:
        assert _keys(row) == RANKING_ITEM
        assert _keys(row["puntajes"]) == SCORES and _keys(row["cambio"]) == SCORES
        assert row["fecha"] is None or LOCAL_MINUTES.match(row["fecha"])
    page = client.get("/api/municipio/15002").json()
    assert _keys(page) == MUNICIPALITY
    assert all(_keys(item) == CHECKLIST_ITEM for item in page["verificaciones"])
    assert all(_keys(p) == ["corrida", "fecha", "puntajes"] and _keys(p["puntajes"]) == SCORES for p in page["serie"])
    assert all(LOCAL_MINUTES.match(p["fecha"]) for p in page["serie"])
    assert [_keys(c) for c in page["cambios"]] == [["verificacion", "tipo", "antes", "ahora", "fecha", "captura"]]
    assert page["cambios"][0]["antes"] == "cumple" and LOCAL_MINUTES.match(page["cambios"][0]["fecha"])


def test_check_matrix_and_runs_answers_keep_their_fields(client: TestClient) -> None:
    check = client.get("/api/verificacion/sitio.disponible").json()
    assert _keys(check) == ["verificacion", "etiqueta", "area", "confiabilidad", "en_revision", "serie", "municipios"]
    assert all(_keys(p) == ["corrida", "fecha", "cumple", "no_cumple", "indeterminado"] for p in check["serie"])
    expected = ["cve_inegi", "nombre", "estado", "evidencia_url", "evidencia_texto", "estado_revisado", "revision"]
    assert check["municipios"] and all(_keys(m) == expected for m in check["municipios"])
    matrix = client.get("/api/ipomex").json()
    assert _keys(matrix) == ["fracciones", "municipios"]
    assert all(_keys(r) == ["cve_inegi", "nombre", "estados"] for r in matrix["municipios"])
    assert all(set(r["estados"].values()) == {"sin_dato"} for r in matrix["municipios"])
    runs = client.get("/api/corridas").json()
    assert _keys(runs) == ["corridas"] and all(_keys(r) == RUN_ITEM for r in runs["corridas"])
    assert all(LOCAL_MINUTES.match(r["inicio"]) and LOCAL_MINUTES.match(r["fin"]) for r in runs["corridas"])


def test_report_json_keeps_its_fields(db_url: str) -> None:
    result = CliRunner().invoke(app, ["report", "--db", db_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["cve_inegi"]: row for row in json.loads(result.stdout)}
    assert all(_keys(row) == REPORT_ROW and _keys(row["scores"]) == SCORES for row in rows.values())
    acolman = rows["15002"]
    assert acolman["checks"] and all(_keys(c) == REPORT_CHECK for c in acolman["checks"])
    assert acolman["scores"]["P3"] == 0.0 and acolman["no_cumple"] == 1
