"""Browser budget: the demo's full nightly run (sites and IPOMEX) with its memory sampled over the process tree."""

from __future__ import annotations

import multiprocessing
import queue
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psutil

from bench.crawl import RUN_DATE
from bench.measure import Measurement, at_least, at_most
from config.registry import Municipality
from crawler.pipeline import RunSummary, run_and_store
from crawler.settings import CrawlSettings
from simulator.server import FarmServer
from simulator.world import build_world
from storage.db import open_database
from vigia.runstore import DatabaseRunStore

SAMPLE_SECONDS = 0.25
MAX_RSS_GB = 1.5


@dataclass
class MemoryPeak:
    """Largest sums seen over the process tree: RSS (counts shared pages once per process) and PSS."""

    rss: int = 0
    pss: int = 0


def tree_memory(root: psutil.Process) -> tuple[int, int]:
    """RSS and PSS summed over a process and all its descendants (processes that vanish are skipped)."""
    rss = pss = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            info = process.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss, pss = rss + info.rss, pss + getattr(info, "pss", info.rss)
    return rss, pss


def sample_until(root: psutil.Process, stop: threading.Event, peak: MemoryPeak) -> None:
    """Keep the peak RSS and PSS of root's tree until stop is set."""
    while not stop.wait(SAMPLE_SECONDS):
        try:
            rss, pss = tree_memory(root)
        except psutil.NoSuchProcess:
            return
        peak.rss, peak.pss = max(peak.rss, rss), max(peak.pss, pss)


def _nightly_main(registry: list[Municipality], cfg: CrawlSettings, db_path: str, channel: Any) -> None:
    store = DatabaseRunStore(open_database(f"sqlite:///{db_path}"))
    channel.put(run_and_store(store, registry, cfg, RUN_DATE, "demo"))


def run_nightly_sampled(registry: list[Municipality], cfg: CrawlSettings,
                        db_path: Path) -> tuple[RunSummary, MemoryPeak]:
    """Run the nightly crawl in its own process (the farm stays out of the tree) and sample its memory."""
    ctx = multiprocessing.get_context("spawn")
    channel: Any = ctx.Queue()
    # Not a daemon: the run starts crawl workers of its own.
    process = ctx.Process(target=_nightly_main, args=(registry, cfg, str(db_path), channel))
    process.start()
    peak, stop = MemoryPeak(), threading.Event()
    sampler = threading.Thread(target=sample_until, args=(psutil.Process(process.pid), stop, peak), daemon=True)
    sampler.start()
    try:
        summary = wait_for(process, channel)
    finally:
        stop.set()
        sampler.join()
        process.join(timeout=60)
    return summary, peak


def wait_for(process: Any, channel: Any) -> RunSummary:
    """The summary the run process sends, or an error as soon as that process dies without one."""
    while True:
        try:
            summary: RunSummary = channel.get(timeout=1.0)
            return summary
        except queue.Empty:
            if not process.is_alive():
                raise RuntimeError(
                    f"la corrida de medición terminó sin resultado (código {process.exitcode})") from None


def measure_browser() -> list[Measurement]:
    """The demo's run (125 sites, IPOMEX 3 and 4) and what the browser cost it."""
    world = build_world(run_date=RUN_DATE)
    with FarmServer(world) as farm, tempfile.TemporaryDirectory() as tmp:
        cfg = replace(CrawlSettings.from_env(), ipomex4_base=farm.ipomex4_url)
        started = time.perf_counter()
        summary, peak = run_nightly_sampled(farm.registry(), cfg, Path(tmp) / "demo.db")
        seconds = time.perf_counter() - started
    return browser_measurements(summary, peak, seconds)


def browser_measurements(summary: RunSummary, peak: MemoryPeak, seconds: float) -> list[Measurement]:
    """Share of pages read without the browser, seconds per rendered page, and the run's peak memory."""
    rendered = summary.browser.pages if summary.browser else 0
    browser_seconds = summary.browser.seconds if summary.browser else 0.0
    plain = 100 * (1 - rendered / summary.pages_ok) if summary.pages_ok else 0.0
    return [
        at_least("páginas municipales sin navegador", plain, "%", 95.0,
                 note=f"{rendered} de {summary.pages_ok} páginas renderizadas"),
        at_most("segundos por página renderizada", browser_seconds / rendered if rendered else 0.0, "s", None),
        at_most("memoria máxima de la corrida (RSS, árbol de procesos)", peak.rss / 1e9, "GB", MAX_RSS_GB,
                note=f"PSS {peak.pss / 1e9:.2f} GB: RSS suma varias veces las páginas compartidas de Chromium"),
        at_most("corrida completa de la demostración (sitios e IPOMEX)", seconds, "s", None,
                note=f"corrida {summary.status}; {summary.portals_done} municipios en IPOMEX"),
    ]
