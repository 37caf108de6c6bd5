"""Bad input stops with a Spanish message on stderr, a non-zero exit code and nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigia.cli import app


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_unknown_municipality_is_explained(vigia_home: Path) -> None:
    result = invoke("crawl", "--municipio", "Gotham")
    assert result.exit_code == 2
    assert "No encuentro el municipio «Gotham»" in result.stderr


@pytest.mark.parametrize("url", ["nonsense://x", "sqlite:////no/such/folder/x.db"])
def test_bad_database_url_is_explained_without_traceback(vigia_home: Path, url: str) -> None:
    result = invoke("report", "--db", url)
    assert result.exit_code == 3
    assert "Error:" in result.stderr and "Traceback" not in result.stderr


def test_audit_rejects_a_non_http_url(vigia_home: Path) -> None:
    result = invoke("audit", "file:///etc/passwd", "--json")
    assert result.exit_code != 0 and result.stdout == ""
    assert "no es una dirección http(s) válida" in result.stderr


def test_report_on_an_empty_database_says_what_to_do(vigia_home: Path) -> None:
    result = invoke("report")
    assert result.exit_code == 1 and result.stdout == ""
    assert "está vacía: no tiene ninguna corrida. Llénela con `vigia rastrear`" in result.stderr


def test_municipios_json_lists_the_whole_registry(vigia_home: Path) -> None:
    result = invoke("municipios", "--format", "json")
    rows = json.loads(result.stdout)
    assert len(rows) == 125 and {"cve_inegi", "nombre", "poblacion_2020", "grado_marginacion_2020"} <= set(rows[0])


def test_municipios_csv_has_a_header_and_125_rows(vigia_home: Path) -> None:
    lines = invoke("municipios", "--format", "csv").stdout.strip().splitlines()
    assert lines[0].startswith("cve_inegi,nombre") and len(lines) == 126


def test_report_json_on_an_empty_database_is_refused_not_a_list_of_nulls(vigia_home: Path) -> None:
    result = invoke("report", "--format", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "está vacía" in result.stderr


def test_bad_dates_are_explained(vigia_home: Path) -> None:
    result = invoke("cambios", "--desde", "ayer")
    assert result.exit_code != 0 and "use AAAA-MM-DD" in result.stderr


def test_history_on_an_empty_database_names_it(vigia_home: Path) -> None:
    result = invoke("historial", "-m", "Toluca", "--format", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert f"Base de datos: sqlite:///{vigia_home.resolve()}/vigia.db" in result.stderr
    assert "está vacía" in result.stderr


def test_changes_on_an_empty_database_names_it(vigia_home: Path) -> None:
    result = invoke("cambios", "--desde", "2026-01-01", "--format", "csv")
    assert result.exit_code == 1 and result.stdout == ""
    assert "está vacía" in result.stderr and "vigia rastrear" in result.stderr


def test_a_reversed_date_range_is_refused(vigia_home: Path) -> None:
    result = invoke("cambios", "--desde", "2026-02-01", "--hasta", "2026-01-01")
    assert result.exit_code == 2
    assert "El intervalo está al revés: --desde 2026-02-01 es posterior a --hasta 2026-01-01" in result.stderr


def test_dry_run_lists_no_pending_mail_on_an_empty_database(vigia_home: Path) -> None:
    result = invoke("alertas", "--dry-run")
    assert result.exit_code == 0 and "Correos pendientes de envío: 0" in result.stdout


def test_schedule_shows_the_next_nightly_runs_in_mexico_city_time(vigia_home: Path) -> None:
    lines = invoke("schedule", "--proximas", "2").stdout.strip().splitlines()
    assert len(lines) == 2 and all(line.endswith("02:00 (hora del centro de México)") for line in lines)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.0.2.10", False),
        ("vigia.example", False),
    ],
)
def test_only_loopback_addresses_skip_the_login(host: str, loopback: bool) -> None:
    from core.net import is_loopback

    assert is_loopback(host) is loopback


def test_serving_beyond_loopback_without_users_refuses_to_start(vigia_home: Path, tmp_path: Path) -> None:
    result = invoke("serve", "--host", "0.0.0.0", "--usuarios", str(tmp_path / "no-existe.yaml"))
    assert result.exit_code != 0 and "inicio de sesión" in result.stderr
