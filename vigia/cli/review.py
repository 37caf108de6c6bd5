"""`vigia revisar`: auditors confirm or correct a verdict, list the audit trail, export the reviews as labels."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from checks.catalogue import load_catalogue
from checks.model import status_text
from config.registry import Municipality, load_registry, select
from core.clock import machine_datetime, people_datetime
from core.text import plural
from storage.models import utcnow
from storage.reviewed import review_json
from storage.reviews import CORRECTABLE, ReviewRequest, ReviewState, audit_trail, latest_reviews, record_review
from vigia.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    auditor_name,
    handles_errors,
    out,
    print_json,
    with_database,
)
from vigia.labels_export import labels_document

app = typer.Typer(no_args_is_help=True, options_metavar="[OPCIONES]", subcommand_metavar="COMANDO [ARGS]...")

MunicipioRequired = Annotated[str, typer.Option("--municipio", "-m", help="Clave INEGI o nombre del municipio.")]
CheckOption = Annotated[
    str, typer.Option("--verificacion", help="Identificador de la verificación o fracción, p. ej. sitio.https.")
]
ReasonOption = Annotated[str, typer.Option("--motivo", help="Por qué: lo que vio el auditor (obligatorio).")]
AuditorOption = Annotated[
    str | None, typer.Option("--auditor", help="Quién revisa. Por omisión, el usuario del sistema.")
]
SourceOption = Annotated[
    str | None,
    typer.Option("--fuente", help="Fuente del resultado (sitio, ipomex3, ipomex4) cuando hay más de una."),
]


def _municipality(clave: str) -> Municipality:
    return select(load_registry(), [clave])[0]


def _record(db: str | None, request: ReviewRequest, m: Municipality) -> None:
    state = with_database(db, lambda d: record_review(d, request, utcnow()))
    review = state.review
    out.print(
        f"{m.nombre} ({m.cve_inegi}), {review.check_id} ({review.source}), corrida {review.run_id}: "
        f"{status_text(review.status_before)} → {status_text(review.status_after)}, "
        f"{ACTION_DONE[review.action]} por {review.auditor}. Vigente mientras la evidencia no cambie "
        f"(huella {review.evidence_digest[:12] if review.evidence_digest else '—'})."
    )


ACTION_DONE = {"confirmar": "confirmado", "corregir": "corregido"}


@app.command("confirmar")
@handles_errors
def confirmar(
    municipio: MunicipioRequired,
    verificacion: CheckOption,
    motivo: ReasonOption = "",
    auditor: AuditorOption = None,
    fuente: SourceOption = None,
    db: DbOption = None,
) -> None:
    """Confirma el veredicto más reciente de una verificación: la máquina acertó.

    Ejemplo: vigia revisar confirmar -m Toluca --verificacion sitio.https --motivo "el certificado es válido"
    """
    m = _municipality(municipio)
    request = ReviewRequest(
        m.cve_inegi, verificacion, "confirmar", motivo, auditor_name(auditor, "revisa"), source=fuente
    )
    _record(db, request, m)


@app.command("corregir")
@handles_errors
def corregir(
    municipio: MunicipioRequired,
    verificacion: CheckOption,
    a: Annotated[str, typer.Option("--a", help=f"Estado correcto: {', '.join(CORRECTABLE)}.")],
    motivo: ReasonOption = "",
    auditor: AuditorOption = None,
    fuente: SourceOption = None,
    db: DbOption = None,
) -> None:
    """Corrige el veredicto más reciente de una verificación; la corrección vale hasta que la página cambie.

    Ejemplo: vigia revisar corregir -m Toluca --verificacion canal.chat --a no_cumple --motivo "el chat no abre"
    """
    m = _municipality(municipio)
    request = ReviewRequest(m.cve_inegi, verificacion, "corregir", motivo, auditor_name(auditor, "revisa"), a, fuente)
    _record(db, request, m)


def _trail_json(state: ReviewState) -> dict[str, Any]:
    review = state.review
    return {
        "id": review.id,
        "cve_inegi": review.cve_inegi,
        "verificacion": review.check_id,
        "fuente": review.source,
        **(review_json(state) or {}),
        "estado_maquina_actual": state.verdict.status if state.verdict else None,
    }


def _trail_table(states: Sequence[ReviewState], names: dict[str, str]) -> Table:
    table = Table(title=f"Revisiones de los auditores: {plural(len(states), 'registro', 'registros')}")
    for name in ("Fecha", "Auditor", "Municipio", "Verificación", "Antes → después", "Motivo", "Situación"):
        table.add_column(name, overflow="fold")
    for state in states:
        r = state.review
        table.add_row(
            people_datetime(r.at),
            r.auditor,
            f"{names.get(r.cve_inegi, r.cve_inegi)} ({r.cve_inegi})",
            f"{r.check_id} ({r.source}), corrida {r.run_id}",
            f"{status_text(r.status_before)} → {status_text(r.status_after)}",
            r.reason,
            state.state_text,
        )
    table.caption = (
        "vigente: el veredicto revisado reemplaza al de la máquina; vuelve a revisión: la evidencia cambió "
        "(otra huella) y vale el de la máquina; reemplazada: hubo una revisión posterior."
    )
    return table


@app.command("listar")
@handles_errors
def listar(
    municipio: Annotated[
        str | None, typer.Option("--municipio", "-m", help="Clave INEGI o nombre. Por omisión, todos.")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Muestra el historial de revisiones: quién, cuándo, antes, después, motivo y si sigue vigente.

    Ejemplo: vigia revisar listar -m Toluca
    """
    registry = load_registry()
    cves = [_municipality(municipio).cve_inegi] if municipio else None
    states = with_database(db, lambda d: audit_trail(d, cves))
    if fmt is OutputFormat.json:
        print_json([_trail_json(s) for s in states])
    elif fmt is OutputFormat.csv:
        from vigia.cli.crosswalk import write_csv

        write_csv([_flat(_trail_json(s)) for s in states])
    else:
        out.print(_trail_table(states, {m.cve_inegi: m.nombre for m in registry}))


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    return {key: "" if value is None else value for key, value in item.items()}


@app.command("exportar")
@handles_errors
def exportar(
    salida: Annotated[
        Path | None, typer.Option("--salida", "-o", help="Archivo YAML de etiquetas. Por omisión, la salida.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Exporta las revisiones vigentes como etiquetas del corpus (formato de labels.yaml) para `vigia precision`.

    Cada municipio es una carpeta «<clave>-<nombre>» del corpus; guarde ahí sus páginas para medir con ellas.
    Ejemplo: vigia revisar exportar --salida revisiones.yaml
    """
    states = with_database(db, lambda d: latest_reviews(d))
    document = labels_document(states.values(), load_registry(), load_catalogue(), machine_datetime(utcnow()) or "")
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
    if salida is None:
        out.print(text, end="", markup=False, highlight=False, soft_wrap=True)
        return
    salida.write_text(text, encoding="utf-8")
    count = sum(len(site) for site in document["sites"].values())
    out.print(f"{plural(count, 'etiqueta', 'etiquetas')} escritas en {salida}.")
