"""`vigia precision`: Spanish help, the JSON document, --guardar, and clear errors for a bad corpus or labels file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checks.reliability import read_measurement
from config import paths
from tests.synthetic_corpus import build_corpus
from vigia.cli import app

FIGURES = ["id", "etiquetas", "acuerdos", "acuerdo", "acusaciones_falsas", "tasa_acusaciones_falsas"]
FIGURES += ["credito_falso", "decididas", "cobertura", "en_revision", "desacuerdos"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["precision", *args], env={"COLUMNS": "200"})


def test_help_is_spanish_with_an_example() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for text in ("Uso:", "Ejemplo: vigia precision --guardar", "etiquetas de los auditores", "--corpus", "--etiquetas"):
        assert text in result.output
    assert "Show this message" not in result.output


@pytest.mark.usefixtures("vigia_home")
def test_json_prints_only_the_measurement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "RELIABILITY", tmp_path / "no-se-escribe.yaml")
    result = invoke("--corpus", str(build_corpus(tmp_path / "corpus")), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["fecha", "version_catalogo", "corpus", "verificaciones", "totales"]
    assert data["corpus"] == {"sitios": 2, "etiquetas": 6}
    assert all(list(item) == FIGURES for item in [*data["verificaciones"], data["totales"]])
    phone = next(item for item in data["verificaciones"] if item["id"] == "canal.telefono")
    assert phone["acuerdo"] == 0.5 and phone["tasa_acusaciones_falsas"] == 0.5 and phone["en_revision"] is True
    assert phone["desacuerdos"] == [
        {"sitio": "b", "verificacion": "canal.telefono", "nuestro": "no_cumple", "etiqueta": "cumple"}
    ]
    assert data["totales"]["cobertura"] == round(4 / 6, 4)
    assert not (tmp_path / "no-se-escribe.yaml").exists()


@pytest.mark.usefixtures("vigia_home")
def test_guardar_writes_the_table_and_the_data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "RELIABILITY", tmp_path / "confiabilidad.yaml")
    corpus = build_corpus(tmp_path / "corpus")
    (corpus / "labels.yaml").rename(tmp_path / "otras.yaml")
    result = invoke("--corpus", str(corpus), "--etiquetas", str(tmp_path / "otras.yaml"), "--guardar")
    assert result.exit_code == 0, result.stderr
    for header in (
        "Verificación",
        "Etiquetas",
        "Acuerdo",
        "Acusaciones falsas",
        "Crédito falso",
        "Cobertura",
        "Estado",
    ):
        assert header in result.stdout
    assert "en revisión" in result.stdout and "Total" in result.stdout
    saved = read_measurement(tmp_path / "confiabilidad.yaml")
    assert saved is not None and saved.scored == 6 and saved.under_review() == {"canal.telefono"}
    assert f"Medición guardada en {tmp_path / 'confiabilidad.yaml'}" in result.stderr


def test_a_bad_labels_file_stops_with_file_line_and_field(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "corpus")
    labels = corpus / "labels.yaml"
    labels.write_text(
        labels.read_text(encoding="utf-8").replace("status: ambiguo", "status: cumplee"), encoding="utf-8"
    )
    result = invoke("--corpus", str(corpus))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{labels}, línea 13, campo status: estado desconocido «cumplee»" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_corpus_says_how_to_pass_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "CORPUS", tmp_path / "no-hay")
    result = invoke("--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "No se encontró el corpus" in result.stderr and "--corpus DIR" in result.stderr
