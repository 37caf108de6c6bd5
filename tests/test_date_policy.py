"""One date policy: people read dd/mm/aaaa HH:MM in Mexico City time, machines read ISO 8601 with offset."""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checks.catalogue import load_catalogue
from core.clock import ZONE_NAME, local_date, local_minutes, machine_datetime, people_date, people_datetime
from storage.db import Database
from storage.repository import finish_run, record_site, start_run
from tests.storage.factories import municipality, report
from vigia.cli import app

ROOT = Path(__file__).resolve().parents[1]
PEOPLE_TIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")

# Functions allowed to format a date by hand, with why. Everything else must call core.clock.
MACHINE_OUTPUT = {
    ("archive/layout.py", "night_file"): "archive folder names (machine)",
    ("archive/warc.py", "_warc_date"): "WARC-Date header, ISO 28500 format (machine)",
    ("checks/kinds/site.py", "conclude"): "evidence text is stored and compared between runs",
    ("checks/reliability.py", "measurement_data"): "config/confiabilidad.yaml data (machine)",
    ("crawler/pipeline.py", "run_params"): "run parameters stored as JSON",
    ("spiders/ipomex/excel.py", "_text"): "normalises a spreadsheet cell to an ISO day for the parser",
    ("storage/compact.py", "detail_digest"): "canonical digest input (must never change)",
    ("storage/migrations/versions/0004_compact.py", "_digest"): "frozen migration",
    ("storage/page_rows.py", "_day"): "API contract: ISO days",
    ("storage/site_registry.py", "discovered_facts"): "crosswalk facts (machine)",
    ("storage/site_registry.py", "_site_fact"): "crosswalk facts (machine)",
    ("vigia/cli/history.py", "_entry_json"): "--json output (contract)",
    ("vigia/cli/history.py", "_change_json"): "--json output (contract)",
    ("vigia/cli/precision.py", "measurement_json"): "--json output (contract)",
    ("vigia/cli/sites.py", "_official"): "--json output (contract)",
    ("vigia/cli/sites.py", "_candidate_json"): "--json output (contract)",
    ("vigia/cli/sites.py", "_history_json"): "--json output (contract)",
    ("vigia/report.py", "_result_json"): "vigia reporte --format json (contract)",
    ("vigia/report.py", "row_json"): "vigia reporte --format json (contract)",
    ("web/reliability.py", "reliability_page"): "API contract: ISO day of the measurement",
}
# Whole modules that are not Vigía's product: the simulated portals imitate how real sites write dates.
NOT_PRODUCT = ("simulator/", "core/clock.py", "tests/", ".venv/")
STRFTIME_DIRECTIVE = re.compile(r"%[a-zA-Z]")


def _formats_a_date(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in ("strftime", "isoformat")
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        return bool(STRFTIME_DIRECTIVE.search(ast.unparse(node.format_spec)))
    return False


def _hand_formatted(tree: ast.AST, function: str = "<module>") -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for child in ast.iter_child_nodes(tree):
        name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
        if _formats_a_date(child):
            found.append((name, getattr(child, "lineno", 0)))
        found.extend(_hand_formatted(child, name))
    return found


def _product_modules() -> list[Path]:
    return [p for p in sorted(ROOT.rglob("*.py")) if not p.relative_to(ROOT).as_posix().startswith(NOT_PRODUCT)]


def test_no_module_formats_a_date_by_hand_outside_the_allow_list() -> None:
    offenders = []
    for path in _product_modules():
        relative = path.relative_to(ROOT).as_posix()
        for function, line in _hand_formatted(ast.parse(path.read_text(encoding="utf-8"))):
            if (relative, function) not in MACHINE_OUTPUT:
                offenders.append(f"{relative}:{line} ({function})")
    assert offenders == [], "format dates with core.clock (people_* or machine_datetime): " + ", ".join(offenders)


def test_the_allow_list_names_only_functions_that_still_format_dates() -> None:
    live = {
        (path.relative_to(ROOT).as_posix(), function)
        for path in _product_modules()
        for function, _ in _hand_formatted(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert set(MACHINE_OUTPUT) <= live


def test_the_scan_catches_strftime_isoformat_and_format_specs() -> None:
    source = "def f(d):\n    return d.strftime('%d'), d.isoformat(), f'{d:%Y}', f'{0.5:.1%}'\n"
    assert [name for name, _ in _hand_formatted(ast.parse(source))] == ["f", "f", "f"]


def test_templates_format_dates_only_with_the_filters() -> None:
    hand = re.compile(r"isoformat|strftime|hora\(|fecha\[|\[:1[06]\]")
    for template in sorted((ROOT / "web" / "templates").glob("*.html")):
        assert not hand.search(template.read_text(encoding="utf-8")), template.name


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 12, 6, 8, 0, tzinfo=UTC), "06/12/2026 02:00"),
        (datetime(2026, 12, 6, 8, 0), "06/12/2026 02:00"),  # naive means UTC, as storage keeps it
        (datetime(2026, 7, 6, 8, 0, tzinfo=UTC), "06/07/2026 02:00"),  # no summer time since 2022: still UTC-6
        (datetime(2026, 12, 6, 0, 30, tzinfo=UTC), "05/12/2026 18:30"),  # a UTC midnight is the previous local day
        (datetime(2026, 12, 6, 2, 0, tzinfo=timezone(timedelta(hours=-6))), "06/12/2026 02:00"),
    ],
)
def test_people_datetime_is_mexico_city_day_first(moment: datetime, expected: str) -> None:
    assert people_datetime(moment) == expected


def test_people_formats_name_the_zone_and_say_when_absent() -> None:
    moment = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    assert people_datetime(moment, zone=True) == "06/12/2026 02:00 (hora del centro de México)"
    assert ZONE_NAME == "hora del centro de México"
    assert people_datetime(None) == "—" and people_date(None, absent="") == ""
    assert local_date(None) == "sin registro"


def test_people_date_takes_days_and_times() -> None:
    assert people_date(date(2026, 1, 1)) == "01/01/2026"
    assert people_date(datetime(2026, 1, 1, 3, 0, tzinfo=UTC)) == "31/12/2025"
    assert people_date(datetime(2026, 1, 1, 6, 0)) == "01/01/2026"


def test_machine_datetime_is_iso_with_the_mexico_city_offset() -> None:
    assert machine_datetime(datetime(2026, 12, 6, 8, 0, 30, 232938, tzinfo=UTC)) == "2026-12-06T02:00:30-06:00"
    assert machine_datetime(datetime(2026, 12, 6, 0, 30)) == "2026-12-05T18:30:00-06:00"
    assert machine_datetime(None) is None
    assert local_minutes(datetime(2026, 12, 6, 8, 0, tzinfo=UTC)) == "2026-12-06T02:00-06:00"


def test_schedule_names_the_zone_of_the_next_runs(vigia_home: Path) -> None:
    result = CliRunner().invoke(app, ["schedule", "--proximas", "2"], env={"COLUMNS": "200"})
    lines = result.stdout.strip().splitlines()
    suffix = f" ({ZONE_NAME})"
    assert len(lines) == 2 and all(line.endswith(suffix) for line in lines)
    assert all(PEOPLE_TIME.match(line.removesuffix(suffix)) for line in lines)


def test_report_shows_people_times_and_its_csv_machine_times(db: Database) -> None:
    run = start_run(db, "crawl", [municipality("15106", "Toluca")], {})
    record_site(db, run, report("15106", {"sitio.disponible": "cumple"}))
    finish_run(db, run, "complete", catalogue=load_catalogue())
    url = db.engine.url.render_as_string(hide_password=False)
    table = CliRunner().invoke(app, ["report", "--db", url, "-m", "Toluca"], env={"COLUMNS": "200"}).stdout
    assert re.search(r"corrida \d+, \d{2}/\d{2}/\d{4} \d{2}:\d{2}", table)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", table)
    csv_text = CliRunner().invoke(app, ["report", "--db", url, "-m", "Toluca", "--format", "csv"]).stdout
    header, row = csv_text.splitlines()[:2]
    fecha = row.split(",")[header.split(",").index("fecha")]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[56]:00", fecha)
