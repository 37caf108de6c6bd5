"""The "noche real" benchmark: whole nights of production crawling on the simulated farm at real-world latency.

    vigia medir --solo noche
    python -m bench.night [--compresion 50] [--municipios 15106 15001 ...] [--noches 2] [--json noche.json]

The full 125-municipality world answers with the real latency model (every wait divided by the compression), and
the night runs exactly as `vigia rastrear` and the nightly job run it (`crawler.pipeline.run_and_store`: sites, then
IPOMEX, every municipality) into a throwaway SQLite database, twice: the second night finds nothing changed, so
what it reads again is what reducing requests across nights can save. The crawler's request timeouts are divided
by the compression too (never below MIN_WAIT_SECONDS); its budgets and its CPU are not.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from bench.crawl import RUN_DATE
from bench.measure import Measurement
from bench.night_report import Limits, Night, count_requests, host_loads, night_rows, nights_rows
from checks.model import SiteReport, SourceReport
from config.latency import REAL, LatencyModel
from config.operation import load_operation_config
from config.registry import load_registry
from crawler.child import WorkerStats
from crawler.netprobe import NetworkProbe
from crawler.pipeline import run_and_store
from crawler.runner import worker_count
from crawler.settings import CrawlSettings
from simulator.agreement import compare
from simulator.ipomex_server import DATA, INDEX, SHELL, SUJETO
from simulator.latency_gate import Served
from simulator.server import FarmServer
from simulator.world import World, build_world
from storage import repository
from storage.db import Database, open_database
from storage.runstore import DatabaseRunStore

# Two nights of ~13,000 IPOMEX requests at 1.56 s each, 2 at a time, are ~5.6 h at true timescale: ×50 fits both
# (and the sites) in about 10 minutes here. Higher compressions make the crawler's CPU, which is not compressed,
# the limit instead of the portals' latency.
DEFAULT_COMPRESSION = 50.0
# The crawler's waits for a portal that does not answer are divided by the compression like the portals' own
# waits (or one hung portal would cost the compressed night as much as a real one), never below this: the CPU a page
# needs, Chromium's rendering above all, is not compressed.
MIN_WAIT_SECONDS = 10.0
# The polite limit for the one state IPOMEX server: at most 2 requests in flight for the whole state.
IPOMEX_POLITE_CONCURRENCY = 2
NIGHTS = 2


def measure_night(
    compression: float = DEFAULT_COMPRESSION,
    claves: list[str] | None = None,
    folder: Path | None = None,
    nights: int = NIGHTS,
) -> list[Measurement]:
    """Run nights over the farm at real latency (compressed) and report each and how the last compares with the
    first."""
    limits = night_limits(compression)
    done = run_nights(limits, claves, folder, nights)
    rows = [row for night in done for row in night_rows(night, limits)]
    return rows + (nights_rows(done[0], done[-1]) if len(done) > 1 else [])


def night_limits(compression: float) -> Limits:
    """The window of config/operacion.yaml and the concurrency the crawler is allowed per host."""
    schedule = load_operation_config().schedule
    return Limits(
        compression,
        schedule.ventana_horas,
        schedule.window_text(),
        CrawlSettings.from_env().per_site_concurrency,
        IPOMEX_POLITE_CONCURRENCY,
    )


def run_nights(
    limits: Limits, claves: list[str] | None = None, folder: Path | None = None, nights: int = NIGHTS
) -> list[Night]:
    """Production nights, one after the other, into one fresh SQLite database (in folder, else temporary)."""
    world = night_world(claves)
    model = LatencyModel(REAL, limits.compression, world.seed)
    cfg = compressed(CrawlSettings.from_env(), limits.compression)
    # The simulator's hung portals answer 504 after twice the crawler's wait, as at true timescale (60 s vs 30 s).
    farm_server = FarmServer(world, latency_model=model, ipomex_hang_seconds=2 * cfg.ipomex_timeout)
    with farm_server as farm, tempfile.TemporaryDirectory(prefix="vigia-noche-") as tmp:
        where = folder or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        db_path = where / "noche-real.db"
        db_path.unlink(missing_ok=True)
        cfg = replace(cfg, ipomex4_base=farm.ipomex4_url)
        return [run_night(n, farm, cfg, f"sqlite:///{db_path}", limits) for n in range(1, nights + 1)]


def compressed(cfg: CrawlSettings, compression: float) -> CrawlSettings:
    """The crawl's request timeouts divided by the compression, never below MIN_WAIT_SECONDS (budgets stay: they
    cap a night that goes wrong, and a compressed budget would cut portals whose uncompressed CPU outlasts it)."""

    def scaled(seconds: float) -> float:
        return max(seconds / compression, min(seconds, MIN_WAIT_SECONDS))

    return replace(cfg, timeout=scaled(cfg.timeout), ipomex_timeout=scaled(cfg.ipomex_timeout))


def night_world(claves: list[str] | None) -> World:
    """The demo's simulated world (every special behaviour), or only the given municipalities of it."""
    chosen = None if claves is None else [m for m in load_registry() if m.cve_inegi in set(claves)]
    return build_world(run_date=RUN_DATE, municipalities=chosen)


@dataclass
class PhaseClock:
    """Listens to a run's events: when the sites phase ended (its `site_workers` reported their usage; the render
    pass with the browser, IPOMEX and the JavaScript pages, comes after) and the crawl workers' CPU seconds."""

    started: float
    site_workers: int
    sites_phase: float = 0.0
    worker_cpu: float = 0.0
    reported: int = 0

    def __call__(self, event: object) -> None:
        if isinstance(event, WorkerStats):
            self.worker_cpu += event.cpu_seconds
            self.reported += 1
            if self.reported == self.site_workers:
                self.sites_phase = time.perf_counter() - self.started


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (crawl workers, their browser and its driver)."""
    mine, theirs = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + theirs.ru_utime + theirs.ru_stime


def run_night(number: int, farm: FarmServer, cfg: CrawlSettings, db_url: str, limits: Limits) -> Night:
    """One production night into db_url, with what the farm served during it."""
    world, registry = farm.world, farm.registry()
    probe = NetworkProbe.of(urlsplit(farm.ipomex_base).netloc)
    database = open_database(db_url)
    try:
        farm.gate.restart()
        cpu, clock = cpu_seconds(), PhaseClock(time.perf_counter(), worker_count(cfg, len(registry)))
        store = ProbeTally(database)
        summary = run_and_store(store, registry, cfg, RUN_DATE, "crawl", clock, probe=probe)
        wall, cpu = time.perf_counter() - clock.started, cpu_seconds() - cpu
        stats, served = farm.gate.restart()
        stored = repository.run_results(database, summary.run_id)
    finally:
        database.dispose()
    claves = [m.cve_inegi for m in registry]
    with_ipomex = [m.cve_inegi for m in registry if m.ipomex_url or m.ipomex4_id is not None]
    return Night(
        number=number,
        wall=wall,
        sites_phase=clock.sites_phase,
        worker_cpu=clock.worker_cpu,
        cpu=cpu,
        status=summary.status,
        unread=summary.unread,
        requests=count_requests(served, claves, with_ipomex, ipomex_owner(world)),
        loads=host_loads(served, limits.compression, allowed_on(farm.gate.model, limits)),
        peaks={host: s.peak_in_flight for host, s in stats.items()},
        agreement=compare(((item.cve_inegi, item.results) for item in stored), world.ground_truth),
        names={m.cve_inegi: m.nombre for m in registry},
        probe_requests=store.requests,
        probe_seconds=store.seconds * limits.compression,
        probe_sites=store.sites,
    )


class ProbeTally(DatabaseRunStore):
    """The run store that also adds up what each site's probes cost (form endpoints, mail domains, profiles)."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.requests = self.seconds = 0.0
        self.sites = 0

    def record(self, run_id: int, report: SourceReport) -> None:
        """Store the report and tally its probes."""
        super().record(run_id, report)
        facts = report.facts
        if isinstance(facts, SiteReport) and facts.probe_cost.get("requests"):
            self.requests += facts.probe_cost["requests"]
            self.seconds += facts.probe_cost.get("seconds", 0.0)
            self.sites += 1


def allowed_on(model: LatencyModel, limits: Limits) -> Callable[[str], int]:
    """Requests in flight the crawler may have on a host: its limit, never more than the host's connections."""

    def allowed(host: str) -> int:
        return min(limits.allowed(host), model.connections(host) or limits.allowed(host))

    return allowed


def ipomex_owner(world: World) -> Callable[[Served], str | None]:
    """The municipality a request to the simulated IPOMEX was made for: named in its path (index, fraction, data,
    API) or in the page that loaded it (a fraction's script), else None (the application, the list of sujetos)."""
    ipo3 = {s.ipomex.ipo3_id.lower(): s.cve_inegi for s in world.sites if s.ipomex and s.ipomex.ipo3_id}
    ipo4 = {s.ipomex.ipo4_id: s.cve_inegi for s in world.sites if s.ipomex and s.ipomex.ipo4_id is not None}

    def of_path(path: str) -> str | None:
        for pattern in (INDEX, SHELL, DATA):
            found = pattern.match(path)
            if found:
                return ipo3.get(found.group(1).lower())
        found = SUJETO.match(path)
        return ipo4.get(int(found.group(1))) if found else None

    def owner(served: Served) -> str | None:
        mine = of_path(urlsplit(served.request.partition(" ")[2]).path)
        return mine if mine is not None or not served.referer else of_path(urlsplit(served.referer).path)

    return owner


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark from the command line; print its rows (and write them as JSON when asked)."""
    parser = argparse.ArgumentParser(
        description="Mide dos noches enteras sobre los portales simulados con latencia real."
    )
    parser.add_argument("--compresion", type=float, default=DEFAULT_COMPRESSION, help="divide cada espera (≥ 1)")
    parser.add_argument("--municipios", nargs="+", metavar="CLAVE", help="sólo estas claves INEGI (por omisión, 125)")
    parser.add_argument("--noches", type=int, default=NIGHTS, help=f"noches seguidas (por omisión, {NIGHTS})")
    parser.add_argument("--carpeta", type=Path, help="conserva aquí la base de las noches (noche-real.db)")
    parser.add_argument("--json", type=Path, help="escribe las mediciones en este archivo JSON")
    args = parser.parse_args(argv)
    if not args.compresion >= 1:
        parser.error("la compresión debe ser al menos 1 (1 = escala de tiempo real)")
    if args.noches < 1:
        parser.error("se necesita al menos una noche")
    rows = measure_night(args.compresion, args.municipios, args.carpeta, args.noches)
    for row in rows:
        mark = "" if row.met is None else (" ✔" if row.met else " ✘")
        base = "" if row.baseline is None else f" (cota/base {row.baseline:g}, razón {row.ratio:g})"
        print(f"{row.name}: {row.value:g} {row.unit}{base}{mark} — {row.note}")
    if args.json:
        document = [row.to_json() for row in rows]
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
