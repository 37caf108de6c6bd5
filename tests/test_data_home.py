"""One data home: readers find the demo's runs without a flag, name the database they read, refuse an empty one."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from checks.catalogue import load_catalogue
from checks.model import CheckResult, CrawlOutcome, SiteReport
from config.registry import load_registry, select
from storage import repository
from storage.data_home import (
    default_database_path,
    demo_database_path,
    reader_database,
    runs_in_file,
    sqlite_file_url,
)
from storage.db import open_database
from vigia.cli import app


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})


def store_run(path: Path, status: str = "complete") -> int:
    """A run of Toluca with one result, stored with the storage functions (no crawl, no demo)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    database = open_database(sqlite_file_url(path))
    try:
        towns = select(load_registry(), ["Toluca"])
        run_id = repository.start_run(database, "demo", towns, {})
        url = "https://toluca.gob.mx/"
        outcome = CrawlOutcome(url, url, pages_ok=1)
        results = [CheckResult("canal.telefono", "cumple")]
        repository.record_site(database, run_id, SiteReport("15106", url, outcome, results=results))
        repository.finish_run(database, run_id, status, catalogue=load_catalogue())
    finally:
        database.dispose()
    return run_id


def test_runs_in_file_is_zero_for_an_absent_or_foreign_file(tmp_path: Path) -> None:
    assert runs_in_file(tmp_path / "absent.db") == 0
    (tmp_path / "foreign.db").write_bytes(b"not a database at all" * 100)
    assert runs_in_file(tmp_path / "foreign.db") == 0
    assert not (tmp_path / "absent.db").exists()


def test_readers_fall_back_to_the_demo_database_only_when_the_default_has_no_runs(vigia_home: Path) -> None:
    assert not reader_database(None).demo
    store_run(demo_database_path())
    assert reader_database(None).demo
    assert not reader_database(sqlite_file_url(default_database_path())).demo
    store_run(default_database_path())
    assert not reader_database(None).demo


def test_report_after_the_demo_reads_the_demo_database_and_says_so(vigia_home: Path) -> None:
    store_run(demo_database_path())
    result = invoke("report", "--format", "json", "-m", "Toluca")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["run_id"] is not None
    line = f"Base de datos: {demo_database_path()} (la de la demostración; `vigia rastrear` escribe en "
    assert line in result.stderr and str(default_database_path()) in result.stderr


def test_an_explicit_database_is_never_replaced_by_the_demo(vigia_home: Path, tmp_path: Path) -> None:
    store_run(demo_database_path())
    url = sqlite_file_url(tmp_path / "other.db")
    result = invoke("historial", "-m", "Toluca", "--db", url)
    assert result.exit_code == 1
    assert f"Base de datos: {url}" in result.stderr and "está vacía" in result.stderr
    assert f"vigia rastrear --db {url}" in result.stderr


def test_history_and_changes_read_the_demo_database(vigia_home: Path) -> None:
    store_run(demo_database_path())
    history = invoke("historial", "-m", "Toluca", "--format", "json")
    assert history.exit_code == 0 and json.loads(history.stdout)[0]["check_id"] == "canal.telefono"
    changes = invoke("cambios", "--desde", "2000-01-01", "--format", "json")
    assert changes.exit_code == 0 and "demo.db" in changes.stderr


def test_history_of_a_municipality_without_runs_is_a_spanish_message(vigia_home: Path) -> None:
    store_run(default_database_path())
    result = invoke("historial", "-m", "Metepec")
    assert result.exit_code == 1 and result.stdout == ""
    assert "No hay resultados de Metepec (15054)" in result.stderr and "vigia rastrear -m 15054" in result.stderr


def test_the_dashboard_names_an_empty_database(vigia_home: Path) -> None:
    from fastapi.testclient import TestClient

    from web.app import create_app

    url = sqlite_file_url(default_database_path())
    default_database_path().parent.mkdir(parents=True)
    with TestClient(create_app(url, require_login=False)) as client:
        page = client.get("/").text
    assert "No hay municipios con resultados para estos filtros" not in page
    assert "La base de datos está vacía" in page and "<code>vigia rastrear</code>" in page
    assert f"Base de datos: {url} (vacía)" in page
