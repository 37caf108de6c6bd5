"""Crawl benchmarks: Vigía's nightly site crawl against bare Scrapy and against the latency lower bound."""

from __future__ import annotations

import resource
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from bench.bare import BareResult, run_bare
from bench.measure import Measurement, at_most, versus
from checks.model import SiteReport, SourceReport
from config.registry import Municipality
from crawler.child import WorkerStats
from crawler.netprobe import NetworkProbe
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from simulator.scale import synthetic_registry
from simulator.server import FarmServer
from simulator.world import World, build_world
from storage.db import open_database
from storage.runstore import DatabaseRunStore

RUN_DATE = date(2026, 11, 24)
LATENCY = 0.15
PAGES_PER_SITE = 40


@dataclass
class VigiaRun:
    """What the nightly site crawl cost: wall seconds, CPU per part, pages, and the slowest site's requests."""

    seconds: float = 0.0
    workers: list[WorkerStats] = field(default_factory=list)
    reports: list[SiteReport] = field(default_factory=list)
    store_seconds: float = 0.0
    parent_cpu: float = 0.0

    @property
    def pages(self) -> int:
        """HTML pages read over all sites."""
        return sum(r.outcome.pages_ok for r in self.reports)

    @property
    def checks_cpu(self) -> float:
        """CPU seconds spent decoding and checking pages, over all sites."""
        return sum(r.checks_cpu for r in self.reports)

    @property
    def worker_cpu(self) -> float:
        """CPU seconds of every crawl worker process."""
        return sum(w.cpu_seconds for w in self.workers)


class TimedStore(DatabaseRunStore):
    """The production run store, timing how long the caller spends writing to the database."""

    elapsed = 0.0

    def record(self, run_id: int, report: SourceReport) -> None:
        """Store a source's report, adding the wall time it took."""
        started = time.perf_counter()
        super().record(run_id, report)
        self.elapsed += time.perf_counter() - started


def bench_world(municipalities: int, pages_per_site: int = PAGES_PER_SITE) -> World:
    """The simulated farm for crawl benchmarks: every site ≈ pages_per_site pages, no artificially slow site."""
    world = build_world(
        run_date=RUN_DATE, municipalities=synthetic_registry(municipalities), pages_per_site=pages_per_site
    )
    # The farm's "slow" site adds 1.5 s per response on top of the latency: it would measure that one site.
    world.sites = [replace(site, delay=0.0) for site in world.sites]
    return world


def run_vigia(registry: list[Municipality], cfg: CrawlSettings, db_path: Path, probe: NetworkProbe) -> VigiaRun:
    """The nightly site crawl into a fresh SQLite database, as `vigia rastrear` does it (IPOMEX aside)."""
    run = VigiaRun()
    store = TimedStore(open_database(f"sqlite:///{db_path}"))

    def collect(event: object) -> None:
        if isinstance(event, SourceReport) and isinstance(event.facts, SiteReport):
            run.reports.append(event.facts)
        elif isinstance(event, WorkerStats):
            run.workers.append(event)

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    run_and_store(store, registry, cfg, RUN_DATE, "crawl", collect, probe=probe)
    run.seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    run.parent_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    run.store_seconds = store.elapsed
    store.db.dispose()
    return run


def latency_bound(run: VigiaRun, latency: float, per_site: int) -> float:
    """Lower bound of the crawl: the slowest site's requests × latency ÷ per-site concurrency (all in parallel)."""
    # robots.txt is one more request per site when robots are obeyed.
    return max((r.outcome.pages_ok + r.outcome.pages_failed + 1 for r in run.reports), default=0) * latency / per_site


def measure_crawl(
    municipalities: int = 125, latency: float = LATENCY, pages_per_site: int = PAGES_PER_SITE
) -> list[Measurement]:
    """Crawl the farm with bare Scrapy, then with Vigía, on the same sites in the same run; compare."""
    # Bare Scrapy cannot run JavaScript: both crawl the shells as plain HTML; the browser is item 4's budget.
    cfg = replace(CrawlSettings.from_env(), ipomex=False, render_js=False)
    world = bench_world(municipalities, pages_per_site)
    with FarmServer(world, latency=latency) as farm, tempfile.TemporaryDirectory() as tmp:
        registry = farm.registry()
        bare = run_bare([m.sitio_web for m in registry if m.sitio_web], cfg)
        run = run_vigia(registry, cfg, Path(tmp) / "bench.db", NetworkProbe.of(urlsplit(farm.ipomex_base).netloc))
    return crawl_measurements(run, bare, municipalities, latency, cfg)


def crawl_measurements(
    run: VigiaRun, bare: BareResult, sites: int, latency: float, cfg: CrawlSettings
) -> list[Measurement]:
    """Turn one crawl comparison into measurements (names carry the number of sites)."""
    bound = latency_bound(run, latency, cfg.per_site_concurrency)
    total_cpu = run.worker_cpu + run.parent_cpu
    floor = total_cpu / max(1, len(run.workers))
    suffix = f"({sites} sitios)"
    return [
        versus(
            f"rastreo vs Scrapy mínimo {suffix}",
            run.seconds,
            bare.seconds,
            "s",
            1.10,
            note=f"Vigía {run.pages} págs. en {len(run.workers)} procesos; Scrapy mínimo {bare.responses} "
            f"respuestas en 1 proceso, {bare.cpu_seconds:.1f} s de CPU",
        ),
        versus(
            f"rastreo vs cota de latencia {suffix}",
            run.seconds,
            bound,
            "s",
            1.3,
            note=f"CPU: trabajadores {run.worker_cpu:.1f} s (verificaciones {run.checks_cpu:.1f} s), "
            f"proceso principal y granja {run.parent_cpu:.1f} s, base de datos {run.store_seconds:.1f} s "
            f"de pared; piso de CPU ≈ {floor:.1f} s",
        ),
        at_most(
            f"verificaciones: parte del CPU del rastreo {suffix}",
            100 * run.checks_cpu / max(total_cpu, 1e-9),
            "%",
            None,
        ),
        at_most(
            f"memoria máxima de un proceso de rastreo {suffix}",
            max((w.max_rss_bytes for w in run.workers), default=0) / 2**20,
            "MiB",
            None,
        ),
    ]
