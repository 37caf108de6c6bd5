"""Usage errors (unknown option, missing value, bad type, unknown command) reach the user in Spanish, exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigia.cli import app
from vigia.cli.usage_errors import spanish_usage_error

ENGLISH = re.compile(
    r"No such|Missing|Invalid value|unexpected extra|requires|is not (?:one|a valid)|does not|Input should|"
    r"Value error|Did you mean|Possible options"
)
BAD = (
    (["reporte", "--formato", "xml"], "no es uno de estos"),
    (["report", "--format", "xml"], "no es uno de estos"),
    (["historial"], "Falta la opción"),
    (["medir", "--json"], "necesita un valor"),
    (["rastrear", "--opcion-que-no-existe"], "No existe la opción"),
    (["municipioz"], "¿Quiso decir 'municipios'?"),
    (["reporte", "sobrante"], "Sobran argumentos: sobrante"),
    (["servir", "--puerto", "abc"], "debe ser un número entero"),
    (["sitios", "historial"], "Falta el argumento"),
)


@pytest.mark.parametrize(("args", "spanish"), BAD)
def test_usage_errors_are_spanish(args: list[str], spanish: str) -> None:
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert spanish in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_an_unknown_message_passes_unchanged() -> None:
    assert spanish_usage_error("Algo ya en español.") == "Algo ya en español."


def test_a_registry_not_in_utf8_is_named_with_its_line_in_spanish(tmp_path: Path) -> None:
    registry = tmp_path / "municipios.csv"
    registry.write_bytes("cve_inegi,nombre\n15001,Acambay de Ruíz\n".encode("latin-1"))
    result = CliRunner().invoke(app, ["reporte", "--registro", str(registry)], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert f"{registry}, línea 2: el archivo no está en UTF-8 (byte 0xed" in result.stderr
    assert "codec" not in result.stderr


def test_a_demo_with_many_differences_lists_fifty_and_counts_the_rest(capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.agreement import Agreement
    from vigia.cli.crawl import MISMATCHES_SHOWN, print_agreement

    agreement = Agreement(mismatches=[("15001", f"c.{i}", "no_cumple", "cumple") for i in range(MISMATCHES_SHOWN + 7)])
    print_agreement(agreement)
    text = capsys.readouterr().out
    assert text.count("obtuvo No cumple, se esperaba Cumple") == MISMATCHES_SHOWN
    assert "… y 7 diferencias más" in text
