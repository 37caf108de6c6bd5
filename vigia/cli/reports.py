"""`vigia reporte` and `vigia municipios`: what the database and the registry say, as table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from checks.catalogue import load_catalogue
from checks.model import CheckResult, Unread, stage_label, status_text
from checks.obligations import load_obligations
from checks.reasons import reason_text
from checks.reliability import load_reliability
from config.registry import Municipality, load_registry, select
from core.clock import people_date, people_datetime
from core.text import plural
from storage import repository
from storage.data_home import count_runs
from storage.resume import pending_unread
from storage.reviews import latest_reviews
from vigia.cli.audit import STATUS_STYLE, explain
from vigia.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    RegistryOption,
    empty_database_error,
    handles_errors,
    open_reader,
    out,
    print_json,
    registry_from,
)
from vigia.cli.crosswalk import crosswalk_facts, print_crosswalk
from vigia.report import ReportRow, build_rows, row_json, rows_csv, score_cell

MunicipioOption = Annotated[
    list[str] | None,
    typer.Option("--municipio", "-m", help="Clave INEGI o nombre; puede repetirse. Por omisión, todos."),
]


def ranking_table(rows: Sequence[ReportRow], title: str) -> Table:
    """Rich ranking table: scores per seed area and P1 indicators."""
    table = Table(title=title, box=box.SIMPLE_HEAD)
    for name, justify in (
        ("#", "right"),
        ("Clave", "left"),
        ("Municipio", "left"),
        ("P2 particip.", "right"),
        ("P3 TIC", "right"),
        ("P4 transp.", "right"),
        ("Total", "right"),
        ("Total revisado", "right"),
        ("P4 IPOMEX", "right"),
        ("LOSI", "right"),
        ("✔ / ✘ / ?", "center"),
        ("Población", "right"),
        ("Marginación", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for rank, row in enumerate(rows, start=1):
        m = row.municipality
        counts = "sin corrida"
        if row.run_id:
            counts = f"{row.count('cumple')}/{row.count('no_cumple')}/{row.count('indeterminado')}"
        table.add_row(
            str(rank),
            m.cve_inegi,
            f"{m.nombre} ✎" if row.reviews_in_force else m.nombre,
            *(score_cell(row.scores[k]) for k in ("P2", "P3", "P4")),
            f"[bold]{score_cell(row.scores['total'])}[/]",
            score_cell(row.reviewed_scores.get("total")) if row.reviews_in_force else "",
            score_cell(row.scores["ipomex"]),
            score_cell(row.scores["losi"]),
            counts,
            f"{m.poblacion_2020:,}",
            m.conapo_gm_2020 or "s/d",
        )
    table.caption = (
        "Puntaje: % de verificaciones que cumplen entre las definitivas; 's/d': sin dato definitivo. "
        "P2 participación, P3 canales TIC, P4 transparencia en el sitio; "
        "P4 IPOMEX: % de fracciones aplicables que cumplen. "
        "LOSI: % de los indicadores publicados del índice de servicios en línea locales de la ONU que Vigía decide "
        "y que se cumplen, entre los definitivos (docs/losi.md). "
        "✔ cumple, ✘ no cumple, ? indeterminado (verificaciones del sitio). "
        "✎: un auditor revisó algún veredicto (vigia revisar); «Total revisado» aplica sus revisiones vigentes, "
        "el orden sigue el puntaje de la máquina."
    )
    return table


def checks_table(row: ReportRow) -> Table:
    """Rich table of one municipality's latest check results."""
    catalogue = load_catalogue()
    m = row.municipality
    table = Table(title=f"{m.nombre} ({m.cve_inegi}) — corrida {row.run_id}, {people_datetime(row.run_finished_at)}")
    for name in ("Verificación", "Área", "Resultado", "Evidencia o motivo"):
        table.add_column(name, overflow="fold")
    for result in row.site_results:
        spec = catalogue.get(result.check_id)
        status = review_cell(row, result)
        if result.check_id in row.under_review:
            status += " [yellow](en revisión)[/]"
        table.add_row(spec.label, spec.seed, status, explain(result))
    if row.under_review:
        table.caption = (
            "En revisión: verificación con acusaciones falsas en más del 1 % de las etiquetas de los auditores "
            "(vigia precision); su no_cumple no genera alertas."
        )
    return table


def review_cell(row: ReportRow, result: CheckResult) -> str:
    """The status in force (the auditor's, marked ✎, with the machine's beside it) or the machine's alone."""
    machine = f"[{STATUS_STYLE.get(result.status, 'dim')}]{status_text(result.status)}[/]"
    state = row.review_of(result)
    if state is None:
        return machine
    if not state.in_force:
        return f"{machine} [yellow](vuelve a revisión)[/]"
    after = state.review.status_after
    return f"[{STATUS_STYLE.get(after, 'dim')}]{status_text(after)}[/] ✎ (máquina: {status_text(result.status)})"


def fractions_table(row: ReportRow) -> Table:
    """Rich table of one municipality's IPOMEX fractions with their last update dates."""
    titles = {o.id: (o.fraccion, o.titulo) for o in load_obligations().obligations}
    m = row.municipality
    index = score_cell(row.scores["ipomex"])
    table = Table(title=f"{m.nombre}: obligaciones de transparencia en IPOMEX (índice P4 {index})")
    for name in ("Fracción", "Obligación", "Resultado", "Última actualización", "Motivo o evidencia"):
        table.add_column(name, overflow="fold")
    for result in row.ipomex_results:
        fraccion, titulo = titles.get(result.check_id, (result.check_id, ""))
        updated = people_date(result.last_update)
        table.add_row(fraccion, titulo, review_cell(row, result), updated, explain(result))
    return table


def print_rows(rows: Sequence[ReportRow], fmt: OutputFormat, detail: bool, title: str) -> None:
    """Print report rows in the chosen format."""
    if fmt is OutputFormat.json:
        print_json([row_json(r) for r in rows])
    elif fmt is OutputFormat.csv:
        sys.stdout.write(rows_csv(rows, load_catalogue()))
    else:
        out.print(ranking_table(rows, title))
        for row in rows if detail else []:
            if row.run_id is not None:
                out.print(checks_table(row))
                out.print(fractions_table(row))


@handles_errors
def report(
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
    municipio: MunicipioOption = None,
    detalle: Annotated[bool, typer.Option("--detalle", help="Incluye la lista de verificaciones.")] = False,
    registro: RegistryOption = None,
) -> None:
    """Muestra la última corrida completa de cada municipio: puntaje por área y verificaciones.

    Si la corrida más reciente quedó parcial, también lo que no pudo leer (municipio, etapa, motivo; en JSON,
    «sin_leer» de cada municipio).
    Ejemplos: vigia reporte; vigia reporte --formato json; vigia reporte -m Toluca --detalle
    """
    registry = registry_from(registro)
    chosen = select(registry, municipio) if municipio else registry
    db_url, database = open_reader(db)
    try:
        if count_runs(database) == 0:
            raise empty_database_error(db_url)
        latest = repository.latest_results(database, [m.cve_inegi for m in chosen])
        pending = pending_unread(database)
        reviews = latest_reviews(database, [m.cve_inegi for m in chosen])
    finally:
        database.dispose()
    catalogue = load_catalogue()
    under_review = load_reliability(catalogue.version).under_review()
    rows = build_rows(chosen, latest, under_review, pending, (reviews, catalogue))
    if fmt is OutputFormat.table and not any(r.run_id for r in rows):
        out.print(
            "[yellow]Esta base de datos tiene corridas, pero ninguna completa para estos municipios.[/] "
            "Complete la última con `vigia rastrear --reanudar` o ejecute `vigia rastrear`."
        )
    else:
        print_rows(rows, fmt, detalle or len(chosen) <= 3, "Vigía — ranking de la última corrida completa")
    if fmt is OutputFormat.table and pending and any(r.unread for r in rows):
        out.print(unread_table(pending[0], [u for r in rows for u in r.unread]))


def unread_table(run_id: int, unread: Sequence[Unread]) -> Table:
    """Rich table of what the newest run, partial, did not read."""
    table = Table(
        title=f"Corrida {run_id} parcial: {plural(len(unread), 'etapa', 'etapas')} sin leer", box=box.SIMPLE_HEAD
    )
    for name in ("Municipio", "Etapa", "Motivo", "Detalle"):
        table.add_column(name, overflow="fold")
    for item in sorted(unread, key=lambda u: (u.nombre, u.stage)):
        table.add_row(
            f"{item.nombre} ({item.cve_inegi})", stage_label(item.stage), reason_text(item.reason), item.detail
        )
    table.caption = (
        "Lo que no se leyó no cuenta como cambio; arriba quedan los resultados de la última corrida completa de cada "
        "municipio. Para completarla: vigia rastrear --reanudar"
    )
    return table


def municipality_json(m: Municipality) -> dict[str, Any]:
    """JSON object of one registry row."""
    return {
        "cve_inegi": m.cve_inegi,
        "nombre": m.nombre,
        "cabecera": m.cabecera,
        "poblacion_2020": m.poblacion_2020,
        "indice_marginacion_2020": m.conapo_im_2020,
        "grado_marginacion_2020": m.conapo_gm_2020,
        "region": m.region,
        "sitio_web": m.sitio_web,
        "sitio_estado": m.sitio_estado,
        "ipomex_url": m.ipomex_url,
        "ipomex4_id": m.ipomex4_id,
    }


@handles_errors
def municipios(
    fmt: FormatOption = OutputFormat.table,
    cruce: Annotated[
        bool,
        typer.Option(
            "--cruce",
            help="Muestra el cruce de identificadores: nombre en la PNT, IPOMEX 3, IPOMEX 4, IPOMEX antiguo y "
            "sitios oficiales, cada uno con su fuente y fecha (lee también la base de datos).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Lista el registro de municipios con sus indicadores P1 (población, marginación, región).

    Con --cruce, el cruce de identificadores de cada municipio: lo que dicen los archivos de config/ (que mandan)
    y lo que encontró `vigia descubrir` o confirmaron los auditores.
    Ejemplos: vigia municipios --formato csv > municipios.csv; vigia municipios --cruce --formato json
    """
    registry = load_registry()
    if cruce:
        print_crosswalk(registry, crosswalk_facts(db, registry), fmt)
        return
    _print_registry(registry, fmt)


def _print_registry(registry: list[Municipality], fmt: OutputFormat) -> None:
    items = [municipality_json(m) for m in registry]
    if fmt is OutputFormat.json:
        print_json(items)
    elif fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, list(items[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(items)
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(title=f"Registro: {plural(len(registry), 'municipio', 'municipios')} del Estado de México")
        for name in ("Clave", "Municipio", "Población 2020", "Marginación 2020", "Región", "Sitio oficial"):
            table.add_column(name)
        for m in registry:
            table.add_row(
                m.cve_inegi,
                m.nombre,
                f"{m.poblacion_2020:,}",
                m.conapo_gm_2020 or "s/d",
                m.region or "s/d",
                m.sitio_web or "[dim]desconocido[/]",
            )
        out.print(table)
