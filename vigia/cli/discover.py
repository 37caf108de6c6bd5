"""`vigia descubrir`: find each municipality's official web presence and prove which candidate is its own."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from config.discovery import load_rules
from config.registry import Municipality, select
from config.settings import load_settings
from core.clock import today_local
from core.errors import VigiaError
from core.text import plural
from spiders.descubrir import Proved
from spiders.descubrir.agreement import Agreement, measure
from storage.db import resolve_database_url
from vigia.cli.common import DbOption, FormatOption, OutputFormat, err, handles_errors, out, print_json
from vigia.cli.crawl import crawl_settings
from vigia.discovery import DiscoveryOutcome, discovery_request, run_discovery
from vigia.discovery_store import DatabaseDiscoveryStore, reference_candidates, working_registry

TownOption = Annotated[
    list[str] | None,
    typer.Option("--municipio", "-m", help="Clave INEGI o nombre del municipio a buscar; puede repetirse (o --todos)."),
]
AllOption = Annotated[bool, typer.Option("--todos", help="Buscar el sitio de los 125 municipios.")]
FromOption = Annotated[
    list[str] | None,
    typer.Option(
        "--desde",
        help="Página oficial cuyos enlaces a sitios municipales se siguen (p. ej. un directorio del gobierno "
        "estatal); se puede repetir. Se suma a paginas_oficiales de config/descubrimiento.yaml.",
    ),
]
TruthOption = Annotated[
    Path | None,
    typer.Option(
        "--verdad",
        help="Archivo de verdad de un internet simulado (python -m simulator internet --verdad): compara y "
        "muestra la tabla de confusión.",
    ),
]
VERDICT_STYLE = {"probable": "green", "dudoso": "yellow", "descartado": "red"}


@handles_errors
def descubrir(
    municipio: TownOption = None,
    todos: AllOption = False,
    desde: FromOption = None,
    verdad: TruthOption = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Busca candidatos a sitio oficial, prueba su identidad y los guarda para que un auditor decida.

    Los candidatos salen del nombre (patrones comunes como <nombre>.gob.mx), de los datos de referencia
    (config/sitios_candidatos.csv), de los enlaces de páginas oficiales (--desde, el índice de IPOMEX del municipio)
    y del sitio ya confirmado. Cada candidato se visita con las mismas reglas del rastreo (robots.txt, cortesía,
    bloqueo de redes privadas) y recibe un puntaje con su evidencia: probable, dudoso o descartado. Nada se vuelve
    oficial sin un auditor: vea `vigia sitios` y `vigia sitios confirmar`.
    Ejemplos: vigia descubrir -m Metepec; vigia descubrir --todos --desde https://edomex.gob.mx/municipios
    """
    if not todos and not municipio:
        raise VigiaError("Indique --municipio (una o varias veces) o --todos.")
    db_url = resolve_database_url(db)
    registry = working_registry(db_url)
    chosen = registry if todos else select(registry, municipio or [])
    request = discovery_request(chosen, registry, load_rules(), reference_candidates(), desde or [])
    simulated = bool(load_settings().internet_simulado)
    err.print(f"Buscando el sitio oficial de {plural(len(chosen), 'municipio', 'municipios')}…")
    store = DatabaseDiscoveryStore(db_url)
    try:
        outcome = run_discovery(request, crawl_settings(), today_local(), store, simulated)
    finally:
        store.close()
    _print(outcome, chosen, fmt)
    if verdad is not None:
        print_confusion(measure(_truth(verdad), outcome.ranked, [m.cve_inegi for m in chosen]))


def _truth(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VigiaError(f"No se pudo leer el archivo de verdad {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise VigiaError(f"El archivo de verdad {path} no es un objeto JSON.")
    return data


def proved_json(p: Proved) -> dict[str, Any]:
    """A proved candidate with Spanish keys, as `vigia descubrir --formato json` and `vigia sitios` give it."""
    return {
        "url": p.candidate.url,
        "url_final": p.final_url,
        "origen": p.candidate.origen,
        "detalle_origen": p.candidate.detalle,
        "puntaje": p.proof.score,
        "veredicto": p.proof.veredicto,
        "presencia": p.proof.presencia,
        "alarma": p.proof.alarma,
        "falla": p.failure,
        "evidencias": [e.texto for e in p.proof.evidencias],
    }


def _print(outcome: DiscoveryOutcome, chosen: list[Municipality], fmt: OutputFormat) -> None:
    if fmt is OutputFormat.csv:
        _print_csv(outcome, chosen)
        return
    if fmt is OutputFormat.json:
        print_json(
            [
                {
                    "clave": m.cve_inegi,
                    "municipio": m.nombre,
                    "candidatos": [proved_json(p) for p in outcome.ranked.get(m.cve_inegi, [])],
                }
                for m in chosen
            ]
        )
        return
    from rich.table import Table

    table = Table(
        title=f"Descubrimiento {outcome.run_id}: {plural(len(chosen), 'municipio', 'municipios')}, {plural(outcome.candidates, 'candidato', 'candidatos')}"
    )
    for name in ("Clave", "Municipio", "Primer candidato", "Veredicto", "Puntaje", "Origen", "Otros"):
        table.add_column(name)
    for m in chosen:
        items = outcome.ranked.get(m.cve_inegi, [])
        if not items:
            table.add_row(m.cve_inegi, m.nombre, "[dim]ninguno[/]", "", "", "", "")
            continue
        top, rest = items[0], items[1:]
        style = VERDICT_STYLE.get(top.proof.veredicto, "")
        others = sum(p.proof.veredicto != "descartado" for p in rest)
        table.add_row(
            m.cve_inegi,
            m.nombre,
            top.final_url or top.candidate.url,
            f"[{style}]{top.proof.veredicto}[/]",
            str(top.proof.score),
            top.candidate.origen,
            f"{others} no descartados de {len(rest)}",
        )
    out.print(table)
    probable = sum(1 for m in chosen if (i := outcome.ranked.get(m.cve_inegi)) and i[0].proof.veredicto == "probable")
    out.print(
        f"{probable} de {plural(len(chosen), 'municipio', 'municipios')} con un candidato probable, en {outcome.seconds:.0f} s. "
        "Nada es oficial hasta que un auditor lo confirme: vigia sitios confirmar CLAVE URL."
    )
    for failure in outcome.mined_failures:
        err.print(f"[yellow]No se pudo leer la página oficial[/] {failure}")


def _print_csv(outcome: DiscoveryOutcome, chosen: list[Municipality]) -> None:
    """One row per proved candidate, best first within each municipality; evidence joined by « | »."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(
        ["cve_inegi", "nombre", "url", "url_final", "veredicto", "puntaje", "presencia", "origen", "evidencias"]
    )
    for m in chosen:
        for p in outcome.ranked.get(m.cve_inegi, []):
            row = proved_json(p)
            evidence = " | ".join(row["evidencias"])
            fields = [row[k] for k in ("url", "url_final", "veredicto", "puntaje", "presencia", "origen")]
            writer.writerow([m.cve_inegi, m.nombre, *fields, evidence])


def print_confusion(agreement: Agreement) -> None:
    """Agreement with a simulated internet's truth: right site first, outcomes and the confusion table."""
    out.print(
        f"Sitio correcto primero y probable: {agreement.right_first} de {agreement.with_site} "
        f"({agreement.share:.1%}); trampas propuestas como probables: {agreement.traps_probable()}."
    )
    for outcome, count in sorted(agreement.outcomes.items()):
        out.print(f"  {outcome}: {count}")
    from rich.table import Table

    table = Table(title="Tabla de confusión (clase de página × mejor veredicto obtenido)")
    verdicts = ("probable", "dudoso", "descartado", "no_visto")
    table.add_column("Clase")
    for verdict in verdicts:
        table.add_column(verdict)
    for cls in sorted({c for c, _ in agreement.confusion}):
        table.add_row(cls, *(str(agreement.confusion.get((cls, v), 0)) for v in verdicts))
    out.print(table)
