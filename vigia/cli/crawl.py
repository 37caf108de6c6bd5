"""`vigia rastrear` and `vigia demo`: crawl municipalities into the database with a progress bar."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from archive.folder import EvidenceArchive
from checks.model import status_text
from config.latency import DEFAULT_COMPRESSION, MODE_BY_NAME, LatencyModel
from config.paths import ensure_log_file
from config.registry import Municipality, select
from config.settings import load_settings
from core.clock import today_local
from core.errors import VigiaError
from core.text import plural
from crawler.netprobe import NetworkProbe
from crawler.pipeline import RunSummary, run_and_store
from crawler.resume import Resume, resume_and_store
from crawler.settings import CrawlSettings
from storage import repository
from storage.crawl_lease import CrawlBusyError, crawl_lease
from storage.data_home import demo_database_path, sqlite_file_url
from storage.db import Database, open_database, resolve_database_url
from storage.resume import resumable_run
from storage.runstore import DatabaseRunStore
from vigia.captures import capture_after_run
from vigia.cli.common import DbOption, RegistryOption, err, handles_errors, out, registry_from
from vigia.cli.progress import print_summary, progress_bar
from vigia.cli.reports import MunicipioOption, ranking_table
from vigia.discovery_store import working_registry
from vigia.report import build_rows

if TYPE_CHECKING:
    # The simulator (aiohttp and the farm) loads only when the demo runs: it would slow every command's start.
    from simulator.agreement import Agreement


def crawl_with_progress(
    db_url: str,
    municipalities: Sequence[Municipality],
    cfg: CrawlSettings,
    run_date: date,
    kind: str,
    wait: bool = False,
    probe: NetworkProbe | None = None,
) -> RunSummary:
    """Run and store a crawl under the database's crawl lease while drawing a progress bar on stderr."""
    database = open_database(db_url)
    try:
        with crawl_lease(database, wait=wait, on_wait=_tell_waiting):
            return _crawl(database, municipalities, cfg, run_date, kind, probe)
    finally:
        database.dispose()


def _tell_waiting(busy: CrawlBusyError) -> None:
    err.print(
        f"[yellow]Hay otro rastreo en curso sobre esta base: {busy.owner}. Esperando a que termine…[/]", highlight=False
    )


def _crawl(
    database: Database,
    municipalities: Sequence[Municipality],
    cfg: CrawlSettings,
    run_date: date,
    kind: str,
    probe: NetworkProbe | None,
) -> RunSummary:
    """The crawl itself, with its progress bar."""
    with progress_bar(municipalities, len(municipalities), len(municipalities) if cfg.ipomex else 0) as track:
        store = DatabaseRunStore(database, track.started, EvidenceArchive.from_settings(database.url))
        return run_and_store(store, municipalities, cfg, run_date, kind, track.event, probe=probe)


def crawl_settings() -> CrawlSettings:
    """Settings from the environment, logging into Vigía's operator log."""
    cfg = CrawlSettings.from_env()
    return cfg if cfg.log_file else replace(cfg, log_file=str(ensure_log_file()))


WaitOption = Annotated[
    bool,
    typer.Option("--esperar", help="Si otro rastreo usa la misma base, esperar a que termine en vez de salir."),
]
ResumeOption = Annotated[
    bool,
    typer.Option(
        "--reanudar",
        help="Completa una corrida parcial (la última, o la CORRIDA indicada) en una corrida nueva: conserva lo que "
        "ya leyó y rastrea sólo los municipios y etapas (sitio, IPOMEX) que no pudo leer.",
    ),
]
RunArgument = Annotated[
    int | None,
    typer.Argument(
        metavar="CORRIDA",
        help="Con --reanudar: la corrida parcial que se completa (por omisión la última).",
        show_default=False,
    ),
]


@handles_errors
def crawl(
    corrida: RunArgument = None,
    municipio: MunicipioOption = None,
    db: DbOption = None,
    registro: RegistryOption = None,
    esperar: WaitOption = False,
    reanudar: ResumeOption = False,
) -> None:
    """Rastrea los sitios oficiales del registro (o los municipios indicados) y guarda la corrida.

    Sólo un rastreo a la vez por base de datos (también frente al servicio nocturno): si hay otro en curso, se niega
    y dice quién lo tiene, salvo con --esperar. Con --reanudar completa una corrida parcial: la nueva corrida
    conserva lo que aquélla leyó y vuelve a rastrear sólo lo que le faltó; termina completa si ahora se leyó todo.
    Ejemplos: vigia rastrear; vigia rastrear -m Toluca -m 15054 --db sqlite:////tmp/vigia.db; vigia rastrear --esperar;
    vigia rastrear --reanudar; vigia rastrear --reanudar 42
    """
    db_url = resolve_database_url(db)
    registry = working_registry(db_url, registry_from(registro))
    if reanudar:
        if municipio:
            raise VigiaError("--reanudar no se combina con --municipio: rastrea exactamente lo que la corrida no leyó.")
        summary = resume_with_progress(db_url, registry, corrida, crawl_settings(), wait=esperar)
    elif corrida is not None:
        raise VigiaError(
            f"La corrida {corrida} sólo se indica con --reanudar (p. ej. vigia rastrear --reanudar {corrida})."
        )
    else:
        chosen = select(registry, municipio) if municipio else registry
        summary = crawl_with_progress(db_url, chosen, crawl_settings(), today_local(), "crawl", wait=esperar)
    print_summary(summary, db_url)
    budget = load_settings().capturas_segundos
    if summary.status != "failed" and budget > 0:
        err.print(f"Capturas de pantalla de la corrida: hasta {budget:.0f} s (VIGIA_CAPTURAS_SEGUNDOS)…")
    captures = capture_after_run(db_url, summary.run_id, summary.status, crawl_settings())
    for line in captures.lines() if captures else []:
        out.print(line, highlight=False)
    if summary.status != "complete":
        raise typer.Exit(1)


def resume_with_progress(
    db_url: str, registry: Sequence[Municipality], run_id: int | None, cfg: CrawlSettings, wait: bool = False
) -> RunSummary:
    """Complete a partial run (the newest one when run_id is None) under the crawl lease, with a progress bar."""
    database = open_database(db_url)
    try:
        with crawl_lease(database, wait=wait, on_wait=_tell_waiting):
            plan = resumable_run(database, run_id)
            towns = {m.cve_inegi: m for m in registry}
            covered = [towns[cve] for cve in plan.cves if cve in towns]
            stages = Counter(item.stage for item in plan.missed)
            err.print(f"Se reanuda la corrida {plan.run_id}: {plural(len(plan.missed), 'etapa', 'etapas')} sin leer.")
            with progress_bar(covered, stages["sitio"], stages["ipomex"]) as track:
                store = DatabaseRunStore(database, track.started, EvidenceArchive.from_settings(database.url))
                resume = Resume(plan.run_id, plan.missed)
                run_date = plan.run_date or today_local()
                return resume_and_store(store, resume, covered, cfg, run_date, track.event)
    finally:
        database.dispose()


def demo_database_url(db: str | None) -> str:
    """The demo never writes simulated results into the production database unless asked to."""
    if db:
        return db
    path = demo_database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite_file_url(path)


# Differences listed one by one after a demo; the rest are counted.
MISMATCHES_SHOWN = 50


def print_agreement(agreement: Agreement) -> None:
    """Print the agreement with the simulated ground truth, per group, and the first mismatches."""
    out.print("Concordancia con la verdad simulada:")
    for name, bucket in agreement.buckets.items():
        out.print(f"  {name}: {bucket.matched}/{bucket.total} ({bucket.ratio:.1%})")
    for cve, check_id, got, want in agreement.mismatches[:MISMATCHES_SHOWN]:
        out.print(f"  [red]✘[/] {cve} {check_id}: obtuvo {status_text(got)}, se esperaba {status_text(want)}")
    hidden = len(agreement.mismatches) - MISMATCHES_SHOWN
    if hidden > 0:
        out.print(f"  … y {plural(hidden, 'diferencia', 'diferencias')} más")


def check_compression(value: float) -> float:
    """Refuse a compression below 1 (it would make the portals slower than real ones)."""
    if not value >= 1:
        raise typer.BadParameter(f"la compresión debe ser al menos 1 (1 = escala de tiempo real), no {value:g}")
    return value


class LatencyName(StrEnum):
    """How fast the simulated portals answer (`--latencia`)."""

    instantanea = "instantanea"
    real = "real"


LatencyOption = Annotated[
    LatencyName,
    typer.Option(
        "--latencia",
        help="instantanea: los portales simulados responden en milisegundos; real: cada sitio y el IPOMEX tardan "
        "lo que un portal real (0.2–2 s por página con bloqueos ocasionales; IPOMEX, un servidor para todos, "
        "0.3 s de ida y vuelta más 0.5–2 s por página), con ancho de banda y conexiones limitadas por servidor.",
    ),
]
CompressionOption = Annotated[
    float,
    typer.Option(
        "--compresion",
        callback=check_compression,
        help="Con --latencia real, divide cada espera entre este factor para que una noche entera quepa en minutos "
        "sin cambiar su forma; 1 = escala de tiempo real (horas).",
    ),
]


def latency_model(name: LatencyName, compression: float, seed: int) -> LatencyModel:
    """The simulated world's latency model chosen on the command line."""
    return LatencyModel(MODE_BY_NAME[name.value], compression, seed)


def describe_latency(model: LatencyModel) -> str:
    """The latency model in Spanish, for the demo's first line."""
    if not model.real:
        return "latencia instantánea"
    scale = "escala de tiempo real" if model.compression == 1 else f"comprimida ×{model.compression:g}"
    return f"latencia real ({scale})"


def demo_settings(cfg: CrawlSettings, model: LatencyModel, ipomex4_url: str) -> CrawlSettings:
    """The crawl of the simulated portals: their IPOMEX 4, and budgets compressed like the portals' waits."""
    return replace(cfg, ipomex4_base=ipomex4_url, compression=model.compression if model.real else 1.0)


@handles_errors
def demo(
    db: DbOption = None,
    seed: Annotated[int, typer.Option("--semilla", help="Semilla del mundo simulado.")] = 2026,
    ground_truth: Annotated[
        Path | None, typer.Option("--verdad", help="Guarda aquí la verdad simulada (JSON).")
    ] = None,
    latencia: LatencyOption = LatencyName.instantanea,
    compresion: CompressionOption = DEFAULT_COMPRESSION,
) -> None:
    """Levanta los 125 portales simulados en 127.0.0.1, los rastrea, guarda la corrida y muestra el ranking.

    Los resultados simulados van a una base aparte (demo.db) salvo que se indique --db.
    Con --latencia real, los portales tardan lo que uno real, comprimido ×20 por omisión (--compresion 1: horas).
    Ejemplos: vigia demo; vigia demo --latencia real; vigia demo --latencia real --compresion 1
    """
    from simulator import FarmServer, build_world
    from simulator.agreement import compare

    run_date = today_local()
    world = build_world(seed=seed, run_date=run_date)
    if ground_truth:
        world.write_ground_truth(ground_truth)
    db_url = demo_database_url(db)
    model = latency_model(latencia, compresion, seed)
    err.print(f"Mundo simulado (semilla {seed}): {len(world.sites)} portales en 127.0.0.1, {describe_latency(model)}.")
    with FarmServer(world, latency_model=model) as farm:
        registry = farm.registry()
        cfg = demo_settings(crawl_settings(), model, farm.ipomex4_url)
        # The simulated IPOMEX host is the demo's reference host: the demo needs no internet.
        probe = NetworkProbe.of(urlsplit(farm.ipomex_base).netloc)
        summary = crawl_with_progress(db_url, registry, cfg, run_date, "demo", probe=probe)
    database = open_database(db_url)
    try:
        latest = repository.latest_results(database, [m.cve_inegi for m in registry])
        stored = repository.run_results(database, summary.run_id)
    finally:
        database.dispose()
    rows = build_rows(registry, latest)
    out.print(ranking_table(rows, "Vigía — demostración (portales simulados)"))
    print_summary(summary, db_url)
    print_agreement(compare(((item.cve_inegi, item.results) for item in stored), world.ground_truth))
    out.print(f"Para consultarla después: vigia reporte --db {db_url}")
