"""No traceback reaches the terminal: one Spanish line and an exit code; the cause goes to the rotating vigia.log."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import vigia.cli
from core.text import plural
from vigia.cli import app, common, reports


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture(autouse=True)
def _close_operator_log() -> object:
    """Leave no vigia.log handler of a deleted temporary folder on the root logger."""
    yield
    common.setup_logging(None)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, common._TerminalLog)]:
        root.removeHandler(handler)


def test_every_command_writes_the_operator_log(vigia_home: Path) -> None:
    assert invoke("municipios", "--format", "json").exit_code == 0
    assert "vigia municipios" in (vigia_home / "vigia.log").read_text(encoding="utf-8")


def test_the_operator_log_rotates(vigia_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "LOG_MAX_BYTES", 300)
    monkeypatch.setattr(common, "LOG_BACKUPS", 2)
    for _ in range(12):
        invoke("municipios", "--format", "json")
    names = sorted(p.name for p in vigia_home.glob("vigia.log*"))
    assert names == ["vigia.log", "vigia.log.1", "vigia.log.2"]
    assert all(p.stat().st_size <= 300 for p in vigia_home.glob("vigia.log*"))


def test_an_unreachable_postgresql_is_one_line_and_exit_3(vigia_home: Path) -> None:
    result = invoke("report", "--db", "postgresql+psycopg://u@127.0.0.1:1/x")
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: No se pudo conectar con la base de datos")
    assert "(el servidor rechazó la conexión)" in lines[0] and "Connection refused" not in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert "Traceback" in (vigia_home / "vigia.log").read_text(encoding="utf-8")


def test_an_unexpected_failure_is_one_spanish_line_and_a_logged_traceback(
    vigia_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(reports, "load_registry", broken)
    result = invoke("municipios")
    assert result.exit_code == 1
    assert "Error inesperado: RuntimeError" in result.stderr and "Traceback" not in result.stderr
    log = (vigia_home / "vigia.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: boom" in log


def test_the_entry_point_catches_what_escapes_a_command(
    vigia_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> None:
        raise RuntimeError("before any command")

    monkeypatch.setattr(vigia.cli, "start_operator_log", broken)
    monkeypatch.setattr(sys, "argv", ["vigia", "municipios"])
    with pytest.raises(SystemExit) as stop:
        vigia.cli.main()
    assert stop.value.code == 1
    assert "Error inesperado: RuntimeError" in capsys.readouterr().err


def test_an_audit_of_an_unreachable_site_exits_1_with_an_error_line(vigia_home: Path) -> None:
    result = invoke("audit", "http://127.0.0.1:9/", "--json", "--max-paginas", "1")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["pages_crawled"] == 0
    assert "Error: no se pudo leer http://127.0.0.1:9/: no se pudo conectar con el servidor" in result.stderr


def test_plural_agrees_with_the_count() -> None:
    assert plural(1, "sitio inalcanzable", "sitios inalcanzables") == "1 sitio inalcanzable"
    assert plural(0, "municipio", "municipios") == "0 municipios"
    assert plural(2, "municipio", "municipios") == "2 municipios"


def test_a_run_summary_of_one_agrees_in_number(capsys: pytest.CaptureFixture[str]) -> None:
    from crawler.pipeline import RunSummary
    from vigia.cli.progress import print_summary

    summary = RunSummary(7, "partial", sites=1, sites_done=1, unreachable=1, pages_ok=1, pages_failed=1, seconds=2)
    summary.portals_done = 1
    print_summary(summary, "sqlite:////tmp/x.db")
    text = " ".join(capsys.readouterr().out.split())
    assert "1/1 sitio, 1 página leída, 1 fallida, 1 sitio inalcanzable; 1 municipio en IPOMEX" in text


def test_every_exit_code_of_an_error_class_is_in_the_readme_table() -> None:
    import importlib
    import re

    from core.errors import VigiaError
    from tests.test_layers import ROOT

    for module in ("storage.backup", "storage.crawl_lease", "storage.site_types"):
        importlib.import_module(module)
    classes, found = [VigiaError], set()
    while classes:
        cls = classes.pop()
        found.add(cls.exit_code)
        classes.extend(cls.__subclasses__())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = {int(code) for code in re.findall(r"^\| (\d+) \| ", readme, re.MULTILINE)}
    assert found | {0, 2, 130} <= documented
