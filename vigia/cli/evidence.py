"""`vigia evidencia`: the tamper-evident chain of complete runs and the archived records it covers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.clock import people_datetime
from core.text import plural
from storage.chain_check import ChainReport
from vigia.cli.common import EXIT_FAILED, DbOption, handles_errors, open_reader, out
from vigia.cli.evidence_thin import depurar
from vigia.cli.history import DateOption, parse_day
from vigia.evidence import EvidenceReport, default_archive_dir, verify_evidence

app = typer.Typer(no_args_is_help=True, options_metavar="[OPCIONES]", subcommand_metavar="COMANDO [ARGS]...")

ArchiveOption = Annotated[
    Path | None,
    typer.Option(
        "--archivo",
        help="Carpeta del archivo de evidencia (los .warc.gz). Por omisión: VIGIA_ARCHIVO_DIR o «evidencia» en la carpeta de datos.",
    ),
]

HeadOption = Annotated[
    str | None,
    typer.Option(
        "--cabeza",
        help="Un hash de la cadena publicado antes (en un correo, en la salida de una corrida): se comprueba que "
        "sigue en la cadena.",
    ),
]


@app.callback()
def evidencia() -> None:
    """Cadena de evidencia: cada corrida completa guarda un manifiesto encadenado al anterior con los resúmenes
    SHA-256 de sus resultados y de los registros archivados (WARC) en que se basan.

    Ejemplo: vigia evidencia verificar --desde 2026-12-01
    """


@app.command("verificar")
@handles_errors
def verificar(
    desde: DateOption = None, db: DbOption = None, archivo: ArchiveOption = None, cabeza: HeadOption = None
) -> None:
    """Verifica la cadena de evidencia: el hash y el enlace de cada manifiesto, los resultados guardados de cada
    corrida y cada registro archivado (WARC) que cubren.

    Dice, una línea por cada uno, qué corrida, municipio, manifiesto o registro ya no coincide. Los registros que
    quitó la política de retención (depurados.jsonl) se cuentan aparte: no son alteración. Con --desde sólo se
    recalculan los resultados y se leen los registros de las corridas terminadas desde esa fecha (el enlace de
    todos los manifiestos se revisa siempre). Con --cabeza se comprueba además que un hash publicado antes sigue en
    la cadena. Sale con 0 si todo coincide y con 1 si algo no.
    Ejemplos: vigia evidencia verificar; vigia evidencia verificar --desde 2026-12-01 --archivo /srv/vigia/evidencia;
    vigia evidencia verificar --cabeza 3f5a…c2 (el valor completo de un correo de alertas)
    """
    since = parse_day(desde, "desde")
    root = archivo or default_archive_dir()
    _, database = open_reader(db)
    try:
        report = verify_evidence(database, root, since, published=cabeza)
    finally:
        database.dispose()
    print_report(report, root, desde is not None)
    if not report.ok:
        raise typer.Exit(EXIT_FAILED)


def print_report(report: EvidenceReport, root: Path, partial: bool) -> None:
    """The chain's extent, what was checked, each problem on its own line, and the verdict."""
    chain = report.chain
    if not chain.links:
        out.print("Ninguna corrida tiene manifiesto todavía: la cadena empieza con la próxima corrida completa.")
    else:
        _print_extent(chain)
    records = report.records
    thinned = f" ({plural(records.thinned, 'depurado', 'depurados')} por la política de retención)"
    # Thinned records are counted, not listed: a line for each would bury the findings.
    out.print(
        f"Revisado{' desde la fecha indicada' if partial else ''}: "
        f"{plural(len(chain.checked_runs), 'corrida', 'corridas')}, "
        f"{plural(chain.results_checked, 'resultado', 'resultados')} y "
        f"{plural(records.checked, 'registro archivado', 'registros archivados')} en {root}"
        f"{thinned if records.thinned else ''}.",
        highlight=False,
    )
    if records.checked and not root.is_dir():
        out.print(
            f"[yellow]La carpeta del archivo {root} no existe: si el archivo está en otra, indíquela con --archivo.[/]",
            highlight=False,
        )
    for line in report.problems:
        out.print(f"[red]✗[/] {line}", highlight=False, soft_wrap=True)
    _print_verdict(report)


def _print_extent(chain: ChainReport) -> None:
    first, last = chain.links[0], chain.links[-1]
    out.print(
        f"Cadena de evidencia: {plural(len(chain.links), 'manifiesto', 'manifiestos')}, de la corrida "
        f"{first.run_id} ({people_datetime(first.finished_at)}) a la {last.run_id} "
        f"({people_datetime(last.finished_at)}).",
        highlight=False,
    )
    if chain.runs_before:
        count = len(chain.runs_before)
        before = "la corrida completa anterior es" if count == 1 else f"las {count} corridas completas anteriores son"
        out.print(
            f"La cadena empieza en la corrida {first.run_id}: {before} de antes de que existieran los manifiestos "
            "y no tienen uno con que verificarse.",
            highlight=False,
        )


def _print_verdict(report: EvidenceReport) -> None:
    head = report.chain.head
    if report.ok:
        tail = f" Cabeza de la cadena: {head.manifest_hash} (corrida {head.run_id})." if head else ""
        out.print(f"[green]Todo coincide.[/]{tail}", highlight=False)
        return
    count = len(report.problems)
    out.print(
        f"[red]{plural(count, 'diferencia', 'diferencias')}[/]: la evidencia guardada ya no coincide con lo que "
        "se registró al cerrar cada corrida.",
        highlight=False,
    )


app.command("depurar")(depurar)
