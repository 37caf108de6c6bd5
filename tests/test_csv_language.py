"""Every CSV a command writes has Spanish headers, and each status or reason code has its Spanish words beside it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from storage.data_home import demo_database_path
from tests.test_data_home import invoke, store_run

# English header words that once leaked into exports (machine JSON keeps its published keys; CSV headers do not).
ENGLISH = re.compile(r"^(?:run_id|check_id|status|reason|evidence_url|source|clave|municipio)$")


def _rows(*args: str) -> list[dict[str, str]]:
    result = invoke(*args, "--formato", "csv")
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _header(*args: str) -> list[str]:
    result = invoke(*args, "--formato", "csv")
    assert result.exit_code == 0, result.stderr
    return next(csv.reader(io.StringIO(result.stdout)))


def test_history_csv_is_spanish_with_words_beside_codes(vigia_home: Path) -> None:
    store_run(demo_database_path())
    rows = _rows("historial", "-m", "Toluca")
    assert rows[0]["verificacion"] == "canal.telefono"
    assert (rows[0]["estado"], rows[0]["estado_texto"]) == ("cumple", "Cumple")
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", rows[0]["fecha"])


def test_every_csv_header_is_spanish(vigia_home: Path) -> None:
    store_run(demo_database_path())
    commands = [
        ("historial", "-m", "Toluca"),
        ("cambios", "--desde", "2000-01-01"),
        ("reporte", "-m", "Toluca"),
        ("municipios",),
        ("municipios", "--cruce"),
    ]
    for command in commands:
        header = _header(*command)
        assert header and not [h for h in header if ENGLISH.match(h)], (command, header)


def test_changes_csv_has_its_header_even_without_changes(vigia_home: Path) -> None:
    store_run(demo_database_path())
    assert _header("cambios", "--desde", "2000-01-01")[:4] == ["fecha", "cve_inegi", "nombre", "verificacion"]
