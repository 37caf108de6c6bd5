"""`vigia sitios`: candidate sites with their evidence, auditors' decisions (confirm, reject, no site) and history;
and the crosswalk that `vigia municipios --cruce` shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich import box
from rich.table import Table

from config.registry import Municipality, load_registry, select, valid_http_url
from core.clock import people_datetime
from core.errors import VigiaError
from crawler.dns import resolve_all
from crawler.ssrf import is_internal, literal_ip
from storage.db import Database
from storage.models import utcnow
from storage.site_types import CandidateView, Decision, OfficialSite
from storage.sites import (
    confirm,
    current_presences,
    decisions,
    declare_no_site,
    latest_candidates,
    no_site_declared,
    reject,
    site_history,
)
from vigia.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    auditor_name,
    err,
    handles_errors,
    out,
    print_json,
    with_database,
)
from vigia.cli.crosswalk import write_csv

app = typer.Typer(no_args_is_help=False, options_metavar="[OPCIONES]", subcommand_metavar="[COMANDO] [ARGS]...")
VERDICT_STYLE = {"probable": "green", "dudoso": "yellow", "descartado": "red"}


class Veredicto(StrEnum):
    """Verdicts of the identity proof."""

    probable = "probable"
    dudoso = "dudoso"
    descartado = "descartado"


class Presencia(StrEnum):
    """Kinds of official presence."""

    sitio = "sitio"
    red_social = "red_social"
    directorio = "directorio"


ClaveArg = Annotated[str, typer.Argument(metavar="CLAVE", help="Clave INEGI (p. ej. 15051) o nombre del municipio.")]
UrlArg = Annotated[str, typer.Argument(metavar="URL", help="Dirección http(s) del sitio.")]
NotaRequired = Annotated[str | None, typer.Option("--nota", help="Por qué: lo que el auditor vio (obligatorio).")]
AuditorOption = Annotated[
    str | None, typer.Option("--auditor", help="Quién decide. Por omisión, el usuario del sistema.")
]


def check_public_url(url: str) -> str:
    """Stop with a Spanish message unless url is http(s) on a public address (literal or resolved)."""
    text = url.strip()
    if not valid_http_url(text):
        raise VigiaError(f"«{url}» no es una dirección http(s) válida (p. ej. https://municipio.gob.mx/).")
    host = urlsplit(text).hostname or ""
    literal = literal_ip(host)
    addresses = [str(literal)] if literal is not None else resolve_all(host)
    internal = [a for a in addresses if (ip := literal_ip(a)) is not None and is_internal(ip)]
    if internal:
        raise VigiaError(
            f"«{url}» apunta a una dirección privada, local o reservada ({', '.join(internal)}): un sitio oficial "
            "es público. Revise la dirección."
        )
    if not addresses:
        err.print(f"[yellow]Aviso:[/] «{host}» no se pudo resolver ahora; la decisión se registra de todos modos.")
    return text


def _required_note(nota: str | None, what: str) -> str:
    """The note, or a Spanish error: a rejection or a «no site» must say why."""
    if nota is None or not nota.strip():
        raise VigiaError(f'Falta --nota: diga por qué {what} (lo que vio el auditor), p. ej. --nota "es otro estado".')
    return nota.strip()


def _municipality(clave: str) -> Municipality:
    return select(load_registry(), [clave])[0]


@app.callback(invoke_without_command=True)
@handles_errors
def sitios(
    ctx: typer.Context,
    municipio: Annotated[
        list[str] | None,
        typer.Option("--municipio", "-m", help="Clave INEGI o nombre; puede repetirse. Por omisión, todos."),
    ] = None,
    veredicto: Annotated[
        Veredicto | None, typer.Option("--veredicto", help="Sólo candidatos con este veredicto.")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Lista los sitios candidatos que encontró `vigia descubrir`, con su puntaje, veredicto, origen y evidencia,
    y el sitio oficial vigente de cada municipio.

    Nada es oficial sin un auditor: `vigia sitios confirmar`, `rechazar` o `sin-sitio`.
    Ejemplos: vigia sitios; vigia sitios -m Lerma; vigia sitios --veredicto probable --formato json;
    vigia sitios confirmar 15051 https://lerma.gob.mx/ --nota "nombre, escudo y periodo 2025-2027"
    """
    if ctx.invoked_subcommand is not None:
        return
    registry = load_registry()
    chosen = select(registry, municipio) if municipio else registry
    wanted = {m.cve_inegi for m in chosen}

    def read(database: Database) -> tuple[list[CandidateView], dict[str, list[OfficialSite]], set[str]]:
        with database.ReadSession.begin() as session:
            presences, no_site = current_presences(session), no_site_declared(session)
        return latest_candidates(database), presences, no_site

    candidates, presences, no_site = with_database(db, read)
    shown = [c for c in candidates if c.cve_inegi in wanted and (veredicto is None or c.veredicto == veredicto)]
    _print_listing([_with_no_site(m, no_site) for m in chosen], shown, presences, fmt)


def _with_no_site(m: Municipality, no_site: set[str]) -> Municipality:
    """A municipality that config leaves unknown and an auditor declared without site is «inexistente»."""
    if m.sitio_estado == "desconocido" and m.cve_inegi in no_site:
        return replace(m, sitio_estado="inexistente")
    return m


def _official(m: Municipality, presences: dict[str, list[OfficialSite]]) -> list[dict[str, Any]]:
    """The municipality's official presences: config's confirmed site first (it wins), then the database's."""
    found: list[dict[str, Any]] = []
    if m.sitio_estado == "confirmado" and m.sitio_web:
        found.append({"url": m.sitio_web, "presencia": "sitio", "fuente": "config/municipios.csv", "desde": None})
    for site in presences.get(m.cve_inegi, []):
        if found and site.presencia == "sitio":
            continue
        found.append(
            {
                "url": site.url,
                "presencia": site.presencia,
                "fuente": f"confirmado por {site.auditor}",
                "desde": site.valid_from.isoformat(),
            }
        )
    return found


def _candidate_json(c: CandidateView) -> dict[str, Any]:
    return {
        "cve_inegi": c.cve_inegi,
        "url": c.url,
        "url_final": c.final_url,
        "puntaje": c.score,
        "veredicto": c.veredicto,
        "alarma": c.alarma,
        "origen": c.origen,
        "origen_detalle": c.origen_detalle,
        "presencia": c.presencia,
        "revisado": c.checked_at.isoformat(),
        "decision": c.decision,
        "evidencias": [{"codigo": e.code, "puntos": e.points, "texto": e.texto} for e in c.evidencias],
    }


def _print_listing(
    chosen: Sequence[Municipality],
    shown: Sequence[CandidateView],
    presences: dict[str, list[OfficialSite]],
    fmt: OutputFormat,
) -> None:
    by_cve = {m.cve_inegi: m for m in chosen}
    if fmt is OutputFormat.json:
        print_json(
            [
                {
                    "cve_inegi": m.cve_inegi,
                    "nombre": m.nombre,
                    "sitio_estado": m.sitio_estado,
                    "oficial": _official(m, presences),
                    "candidatos": [_candidate_json(c) for c in shown if c.cve_inegi == m.cve_inegi],
                }
                for m in chosen
            ]
        )
    elif fmt is OutputFormat.csv:
        rows = []
        for c in shown:
            item = _candidate_json(c)
            item["evidencias"] = " | ".join(f"{e.points:+d} {e.texto}" for e in c.evidencias)
            official = _official(by_cve[c.cve_inegi], presences)
            rows.append(
                {"nombre": by_cve[c.cve_inegi].nombre, **item, "oficial": official[0]["url"] if official else ""}
            )
        write_csv(rows)
    else:
        out.print(_official_table(chosen, presences))
        out.print(_candidates_table(shown, by_cve))


def _official_table(chosen: Sequence[Municipality], presences: dict[str, list[OfficialSite]]) -> Table:
    table = Table(title="Presencia oficial vigente", box=box.SIMPLE_HEAD)
    for name in ("Clave", "Municipio", "Sitio oficial", "Fuente"):
        table.add_column(name, overflow="fold")
    for m in chosen:
        official = _official(m, presences)
        if not official:
            state = "inexistente (según un auditor)" if m.sitio_estado == "inexistente" else "[dim]desconocido[/]"
            table.add_row(m.cve_inegi, m.nombre, state, "")
        for item in official:
            since = f", desde {people_datetime(datetime.fromisoformat(item['desde']))}" if item["desde"] else ""
            label = "" if item["presencia"] == "sitio" else f" ({item['presencia']})"
            table.add_row(m.cve_inegi, m.nombre, item["url"] + label, item["fuente"] + since)
    table.caption = (
        "desconocido: nadie ha confirmado un sitio (no significa que no exista); inexistente: un auditor confirmó "
        "que no hay sitio oficial."
    )
    return table


def _candidates_table(shown: Sequence[CandidateView], by_cve: dict[str, Municipality]) -> Table:
    table = Table(title=f"Sitios candidatos: {len(shown)}", box=box.SIMPLE_HEAD)
    for name in ("Municipio", "Candidato", "Puntaje", "Veredicto", "Origen", "Decisión", "Evidencia"):
        table.add_column(name, overflow="fold")
    for c in shown:
        style = VERDICT_STYLE.get(c.veredicto, "dim")
        verdict = f"[{style}]{c.veredicto}[/]" + (f"\n[red]{c.alarma}[/]" if c.alarma else "")
        url = c.url if not c.final_url or c.final_url == c.url else f"{c.url}\n→ {c.final_url}"
        origin = c.origen + (f"\n[dim]{c.origen_detalle}[/]" if c.origen_detalle else "")
        evidence = "\n".join(f"{e.points:+d} {e.texto}" for e in c.evidencias)
        name = f"{by_cve[c.cve_inegi].nombre} ({c.cve_inegi})"
        table.add_row(name, url, str(c.score), verdict, origin, c.decision or "—", evidence)
    if not shown:
        table.caption = "Sin candidatos: ejecute `vigia descubrir`."
    return table


@app.command("confirmar")
@handles_errors
def confirmar(
    clave: ClaveArg,
    url: UrlArg,
    nota: Annotated[str | None, typer.Option("--nota", help="Por qué: lo que el auditor vio.")] = None,
    auditor: AuditorOption = None,
    administracion: Annotated[
        str | None, typer.Option("--administracion", help="Periodo de la administración, p. ej. 2025-2027.")
    ] = None,
    presencia: Annotated[
        Presencia, typer.Option("--presencia", help="sitio (por omisión), red_social o directorio.")
    ] = Presencia.sitio,
    db: DbOption = None,
) -> None:
    """Confirma URL como presencia oficial del municipio; si tenía otro sitio vigente, su periodo se cierra.

    Ejemplo: vigia sitios confirmar 15051 https://lerma.gob.mx/ --nota "escudo y periodo 2025-2027"
    """
    m = _municipality(clave)
    checked = check_public_url(url)
    who = auditor_name(auditor, "decide")
    site = with_database(
        db, lambda d: confirm(d, m.cve_inegi, checked, who, nota, utcnow(), administracion, presencia.value)
    )
    out.print(
        f"{m.nombre} ({m.cve_inegi}): {site.url} es su {presencia.value.replace('_', ' ')} oficial, vigente desde "
        f"{people_datetime(site.valid_from)} (confirmado por {site.auditor})."
    )


@app.command("rechazar")
@handles_errors
def rechazar(
    clave: ClaveArg, url: UrlArg, nota: NotaRequired = None, auditor: AuditorOption = None, db: DbOption = None
) -> None:
    """Rechaza URL como sitio del municipio; si era su sitio oficial vigente, su periodo se cierra.

    Ejemplo: vigia sitios rechazar 15070 https://lapaz.gob.mx/ --nota "es La Paz, Baja California Sur"
    """
    m = _municipality(clave)
    nota = _required_note(nota, "se rechaza")
    if not valid_http_url(url.strip()):
        raise VigiaError(f"«{url}» no es una dirección http(s) válida (p. ej. https://municipio.gob.mx/).")
    who = auditor_name(auditor, "decide")
    decision = with_database(db, lambda d: reject(d, m.cve_inegi, url, who, nota, utcnow()))
    out.print(f"{m.nombre} ({m.cve_inegi}): {decision.url} rechazado por {decision.auditor}.")


@app.command("sin-sitio")
@handles_errors
def sin_sitio(clave: ClaveArg, nota: NotaRequired = None, auditor: AuditorOption = None, db: DbOption = None) -> None:
    """Registra que un auditor confirmó que el municipio no tiene sitio oficial (distinto de «desconocido»).

    Ejemplo: vigia sitios sin-sitio 15066 --nota "sólo página de Facebook; el directorio estatal no da sitio"
    """
    m = _municipality(clave)
    note = _required_note(nota, "no tiene sitio")
    who = auditor_name(auditor, "decide")
    decision = with_database(db, lambda d: declare_no_site(d, m.cve_inegi, who, note, utcnow()))
    out.print(f"{m.nombre} ({m.cve_inegi}): sin sitio oficial, según {decision.auditor}.")


@app.command("historial")
@handles_errors
def historial(clave: ClaveArg, fmt: FormatOption = OutputFormat.table, db: DbOption = None) -> None:
    """Muestra los periodos de vigencia de los sitios oficiales del municipio y cada decisión de los auditores.

    Ejemplo: vigia sitios historial 15051 --formato json
    """
    m = _municipality(clave)
    periods, decided = with_database(db, lambda d: (site_history(d, m.cve_inegi), decisions(d, m.cve_inegi)))
    if fmt is OutputFormat.json:
        print_json({"cve_inegi": m.cve_inegi, "nombre": m.nombre, **_history_json(periods, decided)})
    elif fmt is OutputFormat.csv:
        write_csv(_history_json(periods, decided)["periodos"])
    else:
        out.print(_periods_table(m, periods))
        out.print(_decisions_table(decided))


def _history_json(periods: Sequence[OfficialSite], decided: Sequence[Decision]) -> dict[str, list[dict[str, Any]]]:
    return {
        "periodos": [
            {
                "url": p.url,
                "presencia": p.presencia,
                "desde": p.valid_from.isoformat(),
                "hasta": p.valid_to.isoformat() if p.valid_to else None,
                "administracion": p.administracion,
                "confirmado_por": p.auditor,
            }
            for p in periods
        ],
        "decisiones": [
            {
                "decision": d.decision,
                "url": d.url,
                "presencia": d.presencia,
                "auditor": d.auditor,
                "fecha": d.at.isoformat(),
                "nota": d.nota,
                "administracion": d.administracion,
            }
            for d in decided
        ],
    }


def _periods_table(m: Municipality, periods: Sequence[OfficialSite]) -> Table:
    table = Table(title=f"{m.nombre} ({m.cve_inegi}): sitios oficiales y su vigencia", box=box.SIMPLE_HEAD)
    for name in ("Sitio", "Presencia", "Desde", "Hasta", "Administración", "Confirmado por"):
        table.add_column(name, overflow="fold")
    for p in periods:
        until = people_datetime(p.valid_to) if p.valid_to else "[green]vigente[/]"
        table.add_row(p.url, p.presencia, people_datetime(p.valid_from), until, p.administracion or "—", p.auditor)
    if not periods:
        table.caption = "Ningún sitio confirmado en la base de datos (config/municipios.csv puede tener uno)."
    return table


def _decisions_table(decided: Sequence[Decision]) -> Table:
    table = Table(title="Decisiones de los auditores", box=box.SIMPLE_HEAD)
    for name in ("Fecha", "Decisión", "URL", "Auditor", "Nota"):
        table.add_column(name, overflow="fold")
    for d in decided:
        table.add_row(people_datetime(d.at), d.decision, d.url or "—", d.auditor, d.nota or "")
    return table
