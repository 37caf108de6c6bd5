"""`vigia historial` and `vigia cambios`: what the compliance history says, for auditors."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from checks.model import status_text
from checks.reasons import reason_text
from config.registry import load_registry, select
from core.clock import machine_datetime, people_date, people_datetime
from core.errors import EmptyDatabaseError, UsageError
from storage.data_home import count_runs
from storage.db import Database
from storage.history import Change, TimelineEntry, changes_since, timeline
from vigia.cli.audit import STATUS_STYLE
from vigia.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    empty_database_error,
    handles_errors,
    open_reader,
    out,
    print_json,
)

CsvSheet = tuple[Sequence[str], list[dict[str, Any]]]
DateOption = Annotated[str | None, typer.Option(help="Fecha AAAA-MM-DD.")]


def parse_day(text: str | None, name: str) -> date | None:
    """Read a user's AAAA-MM-DD date or stop with a Spanish message naming the option."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"La fecha de --{name} «{text}» no es válida; use AAAA-MM-DD, p. ej. 2026-11-01.") from None


def date_range(desde: str | None, hasta: str | None) -> tuple[date | None, date | None]:
    """The --desde and --hasta dates; a range that ends before it starts is refused."""
    since, until = parse_day(desde, "desde"), parse_day(hasta, "hasta")
    if since is not None and until is not None and since > until:
        raise UsageError(
            f"El intervalo está al revés: --desde {desde} es posterior a --hasta {hasta} "
            f"({people_date(since)} después de {people_date(until)}). "
            "Intercambie las fechas."
        )
    return since, until


def require_runs(database: Database, db_url: str) -> None:
    """Refuse, naming the database and the command that fills it, when it holds no runs."""
    if count_runs(database) == 0:
        raise empty_database_error(db_url)


def emit(rows: list[dict[str, Any]], fmt: OutputFormat, table: Table, sheet: CsvSheet) -> None:
    """Print rows as JSON (machine keys), CSV (Spanish headers, header even when empty) or the given rich table."""
    if fmt is OutputFormat.json:
        print_json(rows)
    elif fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, sheet[0], lineterminator="\n")
        writer.writeheader()
        writer.writerows(sheet[1])
        sys.stdout.write(buffer.getvalue())
    else:
        out.print(table)


# CSV columns: Spanish headers, each code beside its Spanish words (README, «Exportaciones»).
HISTORY_COLUMNS = (
    "corrida",
    "fecha",
    "verificacion",
    "estado",
    "estado_texto",
    "motivo",
    "motivo_texto",
    "evidencia_url",
    "fuente",
)
CHANGE_COLUMNS = (
    "fecha",
    "cve_inegi",
    "nombre",
    "verificacion",
    "antes",
    "antes_texto",
    "ahora",
    "ahora_texto",
    "corrida_anterior",
    "corrida",
    "evidencia_url",
)


def _entry_csv(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "corrida": entry.run_id,
        "fecha": machine_datetime(entry.run_finished_at) or "",
        "verificacion": entry.check_id,
        "estado": entry.status,
        "estado_texto": status_text(entry.status),
        "motivo": entry.reason or "",
        "motivo_texto": reason_text(entry.reason),
        "evidencia_url": entry.evidence_url or "",
        "fuente": entry.source,
    }


def _change_csv(change: Change) -> dict[str, Any]:
    return {
        "fecha": machine_datetime(change.run_finished_at) or "",
        "cve_inegi": change.cve_inegi,
        "nombre": change.nombre,
        "verificacion": change.check_id,
        "antes": change.previous_status or "",
        "antes_texto": status_text(change.previous_status) if change.previous_status else "",
        "ahora": change.status,
        "ahora_texto": status_text(change.status),
        "corrida_anterior": change.previous_run_id or "",
        "corrida": change.run_id,
        "evidencia_url": change.evidence_url or "",
    }


def _entry_json(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "run_id": entry.run_id,
        "fecha": entry.run_finished_at.isoformat() if entry.run_finished_at else None,
        "check_id": entry.check_id,
        "status": entry.status,
        "reason": entry.reason,
        "evidence_url": entry.evidence_url,
        "source": entry.source,
    }


@handles_errors
def historial(
    municipio: Annotated[str, typer.Option("--municipio", "-m", help="Clave INEGI o nombre del municipio.")],
    check: Annotated[
        str | None, typer.Option("--verificacion", help="Sólo esta verificación, p. ej. canal.telefono.")
    ] = None,
    desde: DateOption = None,
    hasta: DateOption = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Muestra la línea de tiempo de un municipio en las corridas completas.

    Ejemplo: vigia historial -m Toluca --verificacion canal.telefono --desde 2026-01-01
    """
    municipality = select(load_registry(), [municipio])[0]
    since, until = date_range(desde, hasta)
    db_url, database = open_reader(db)
    try:
        require_runs(database, db_url)
        entries = timeline(database, municipality.cve_inegi, check, since, until)
    finally:
        database.dispose()
    if not entries:
        raise EmptyDatabaseError(
            f"No hay resultados de {municipality.nombre} ({municipality.cve_inegi}) en las corridas completas"
            f"{' de esa verificación' if check else ''}{' en esas fechas' if desde or hasta else ''}. "
            f"Para rastrearlo: vigia rastrear -m {municipality.cve_inegi}"
        )
    table = Table(title=f"Historial de {municipality.nombre} ({municipality.cve_inegi})")
    for name in ("Corrida", "Fecha", "Verificación", "Resultado", "Motivo o evidencia"):
        table.add_column(name, overflow="fold")
    for e in entries:
        table.add_row(
            str(e.run_id),
            people_datetime(e.run_finished_at),
            e.check_id,
            f"[{STATUS_STYLE.get(e.status, 'dim')}]{status_text(e.status)}[/]",
            e.evidence_url or reason_text(e.reason),
        )
    emit([_entry_json(e) for e in entries], fmt, table, (HISTORY_COLUMNS, [_entry_csv(e) for e in entries]))


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "cve_inegi": change.cve_inegi,
        "nombre": change.nombre,
        "check_id": change.check_id,
        "antes": change.previous_status,
        "ahora": change.status,
        "corrida_anterior": change.previous_run_id,
        "corrida": change.run_id,
        "fecha": change.run_finished_at.isoformat() if change.run_finished_at else None,
        "evidence_url": change.evidence_url,
    }


@handles_errors
def cambios(
    desde: Annotated[str, typer.Option(help="Fecha AAAA-MM-DD desde la que se listan los cambios.")],
    hasta: DateOption = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Lista cada cambio de resultado en todo el estado entre corridas completas consecutivas.

    Ejemplo: vigia cambios --desde 2026-11-01 --formato csv > cambios.csv
    """
    since, until = date_range(desde, hasta)
    assert since is not None
    db_url, database = open_reader(db)
    try:
        require_runs(database, db_url)
        found = changes_since(database, since, until)
    finally:
        database.dispose()
    table = Table(title=f"Cambios desde {people_date(since)}: {len(found)}")
    for name in ("Fecha", "Municipio", "Verificación", "Antes", "Ahora", "Evidencia"):
        table.add_column(name, overflow="fold")
    for c in found:
        table.add_row(
            people_datetime(c.run_finished_at),
            c.nombre,
            c.check_id,
            status_text(c.previous_status),
            f"[{STATUS_STYLE.get(c.status, 'dim')}]{status_text(c.status)}[/]",
            c.evidence_url or "",
        )
    emit([_change_json(c) for c in found], fmt, table, (CHANGE_COLUMNS, [_change_csv(c) for c in found]))
