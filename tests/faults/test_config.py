"""Fault matrix, configuration: a malformed registry row, a bad check id, a bad cron expression and a bad database
URL each stop the command with a Spanish message naming file, line and field (or the option or variable) before
any crawl starts: no run row, no request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import checks.catalogue
import checks.obligations
from config import paths
from storage.db import open_database
from tests.conftest import REPO
from vigia.cli import app

CONFIG = REPO / "config"


@pytest.fixture(autouse=True)
def no_crawl(vigia_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any crawl or request would fail the test: configuration errors must stop everything before."""

    def no_network(*_args: Any) -> Iterator[object]:
        raise AssertionError("una configuración inválida no debe llegar a rastrear")

    monkeypatch.setattr("crawler.pipeline.crawl", no_network)
    monkeypatch.setenv("VIGIA_IPOMEX", "false")


@pytest.fixture
def fresh_catalogues() -> Iterator[None]:
    """The default catalogue and obligations are cached per process: forget them around the test."""
    checks.catalogue._default.cache_clear()
    checks.obligations._default.cache_clear()
    yield
    checks.catalogue._default.cache_clear()
    checks.obligations._default.cache_clear()


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "300", **(env or {})})


def flat(result: Result) -> str:
    """stderr on one line (Rich wraps long messages)."""
    return " ".join(result.stderr.split())


def broken_copy(source: Path, target: Path, old: str, new: str) -> int:
    """Copy source to target with the first `old` replaced by `new`; return the 1-based line changed."""
    text = source.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def assert_nothing_stored(db_url: str) -> None:
    """The database holds no run (opening it here creates and migrates it if the command never did)."""
    database = open_database(db_url)
    try:
        from storage.repository import list_runs

        assert list_runs(database) == []
    finally:
        database.dispose()


def test_malformed_registry_row_names_file_line_and_field(tmp_path: Path, db_url: str) -> None:
    registry = tmp_path / "municipios.csv"
    line = broken_copy(paths.REGISTRY, registry, ",910608,", ",novecientos mil,")
    result = invoke("crawl", "--registro", str(registry), "--db", db_url)
    assert result.exit_code == 2
    message = flat(result)
    assert f"Configuración inválida en {registry}, línea {line}, campo «poblacion_2020»" in message
    assert "Traceback" not in result.output
    assert_nothing_stored(db_url)


@pytest.mark.usefixtures("fresh_catalogues")
def test_bad_check_id_in_the_catalogue_names_file_line_and_field(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = tmp_path / "checks.yaml"
    line = broken_copy(CONFIG / "checks.yaml", catalogue, "- id: sitio.https", "- id: sitio https")
    monkeypatch.setattr(paths, "CATALOGUE", catalogue)
    result = invoke("crawl", "-m", "Toluca", "--db", db_url)
    assert result.exit_code == 2
    message = flat(result)
    assert f"Configuración inválida en {catalogue}, línea {line}, campo «id»" in message
    assert "«sitio https» no es un id válido" in message
    assert_nothing_stored(db_url)


@pytest.mark.usefixtures("fresh_catalogues")
def test_wrong_check_id_in_the_obligations_names_file_line_and_field(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    obligations = tmp_path / "obligaciones.yaml"
    line = broken_copy(CONFIG / "obligaciones.yaml", obligations, "id: ipomex.92.ii_a", "id: ipomex.92.i")
    monkeypatch.setattr(paths, "OBLIGATIONS", obligations)
    result = invoke("crawl", "-m", "Toluca", "--db", db_url)
    assert result.exit_code == 2
    message = flat(result)
    assert f"Configuración inválida en {obligations}, línea {line}, campo «id»" in message
    assert "«ipomex.92.i» no corresponde a la fracción II A" in message
    assert_nothing_stored(db_url)


def test_bad_cron_expression_names_file_line_and_field(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    operation = tmp_path / "operacion.yaml"
    line = broken_copy(CONFIG / "operacion.yaml", operation, 'cron: "0 2 * * *"', 'cron: "0 25 * * *"')
    monkeypatch.setattr(paths, "OPERATION", operation)
    result = invoke("schedule", "--db", db_url)
    assert result.exit_code == 2
    message = flat(result)
    assert f"Configuración inválida en {operation}, línea {line}, campo «calendario.cron»" in message
    assert "«0 25 * * *» no es una expresión cron de 5 campos válida" in message
    assert_nothing_stored(db_url)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("nonsense://x", "tipo desconocido"),
        ("esto no es una url", "no es válida"),
        ("sqlite:////no/existe/la/carpeta/vigia.db", "no existe o no es una carpeta"),
    ],
)
def test_bad_database_url_in_the_option_names_the_option(url: str, problem: str) -> None:
    result = invoke("crawl", "-m", "Toluca", "--db", url)
    assert result.exit_code == 3
    message = flat(result)
    assert "Dirección de base de datos inválida en la opción --db" in message and problem in message
    assert "Traceback" not in result.output


def test_bad_database_url_in_the_environment_names_the_variable() -> None:
    result = invoke("crawl", "-m", "Toluca", env={"VIGIA_DATABASE_URL": "nonsense://x"})
    assert result.exit_code == 3
    message = flat(result)
    assert "Dirección de base de datos inválida en la variable de entorno VIGIA_DATABASE_URL" in message
    assert "tipo desconocido" in message
