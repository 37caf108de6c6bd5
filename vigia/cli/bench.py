"""`vigia medir`: the benchmark suite on the simulated portals, as a table and optionally as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from core.errors import VigiaError
from vigia.cli.common import handles_errors, out

KEYS = ("verificaciones", "rastreo", "navegador", "historial", "archivo", "crecimiento", "noche")


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def measurement_table(title: str, rows: list[object]) -> Table:
    """A rich table of measurements: value, baseline, ratio, target and whether it was met."""
    from bench.measure import Measurement

    table = Table(title=title, title_justify="left")
    for column in ("Medición", "Valor", "Unidad", "Base", "Razón", "Meta", "¿Cumple?", "Nota"):
        table.add_column(column, overflow="fold")
    for row in rows:
        assert isinstance(row, Measurement)
        met = "" if row.met is None else ("[green]sí[/]" if row.met else "[red]no[/]")
        table.add_row(
            row.name,
            _cell(row.value),
            row.unit,
            _cell(row.baseline),
            _cell(row.ratio),
            _cell(row.target),
            met,
            row.note,
        )
    return table


@handles_errors
def bench(
    full: Annotated[
        bool,
        typer.Option("--completa", help="Incluye el crecimiento a 500 y 2,469 municipios y la noche real (lento)."),
    ] = False,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Escribe las mediciones en este archivo JSON.")
    ] = None,
    solo: Annotated[
        list[str] | None, typer.Option("--solo", help=f"Sólo estas pruebas (repetible): {', '.join(KEYS)}.")
    ] = None,
    carpeta: Annotated[
        Path | None,
        typer.Option(
            "--carpeta", help="Guarda aquí las bases generadas y las reutiliza (por omisión, una carpeta temporal)."
        ),
    ] = None,
) -> None:
    """Mide cuánto cuesta una corrida nocturna sobre los portales simulados y la compara con sus referencias.

    Cada tiempo se da también como razón contra una referencia medida en la misma ejecución.
    Ejemplo: vigia medir --json rendimiento.json
    """
    from bench.suite import run_suite, selected

    unknown = sorted(set(solo or ()) - set(KEYS))
    if unknown:
        raise VigiaError(f"Prueba desconocida: {', '.join(unknown)}. Use una de: {', '.join(KEYS)}.")
    chosen = selected(solo, full)
    found = run_suite(chosen, carpeta, lambda b, rows: out.print(measurement_table(b.title, list(rows))))
    if json_file is not None:
        document = [m.to_json() for m in found]
        json_file.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        out.print(f"Mediciones guardadas en {json_file}.")
    missed = [m.name for m in found if m.met is False]
    if missed:
        out.print(f"[yellow]Metas no alcanzadas: {'; '.join(missed)}.[/]")
