"""Browser budget: the demo's full nightly run (sites and IPOMEX) with its memory sampled over the process tree."""

from __future__ import annotations

import multiprocessing
import queue
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil

from bench.crawl import RUN_DATE
from bench.measure import Measurement, at_least, at_most
from bench.nightly import nightly_main
from config.registry import Municipality
from crawler.pipeline import RunSummary
from crawler.settings import CrawlSettings
from simulator.server import FarmServer
from simulator.world import build_world

SAMPLE_SECONDS = 0.25
MAX_RSS_GB = 1.5


@dataclass
class MemoryPeak:
    """Largest sums seen over the process tree: RSS (counts shared pages once per process) and PSS, and the RSS
    of each kind of process at the RSS peak."""

    rss: int = 0
    pss: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """The RSS peak by kind of process, largest first, in MB."""
        ordered = sorted(self.kinds.items(), key=lambda item: -item[1])
        return ", ".join(f"{kind} {size / 1e6:.0f}" for kind, size in ordered)


def process_kind(process: psutil.Process) -> str:
    """python, node (Playwright's driver), chromium or chromium-<type> (renderer, utility...)."""
    line = process.cmdline()
    name = process.name()
    if "chrom" not in name:
        return "node" if "node" in name else name
    kinds = [arg.split("=", 1)[1] for arg in line if arg.startswith("--type=")]
    return f"chromium-{kinds[0]}" if kinds else "chromium"


def tree_memory(root: psutil.Process) -> tuple[int, int, dict[str, int]]:
    """RSS, PSS and RSS by kind, over a process and all its descendants (processes that vanish are skipped)."""
    rss = pss = 0
    kinds: dict[str, int] = {}
    for process in [root, *root.children(recursive=True)]:
        try:
            info, kind = process.memory_full_info(), process_kind(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss, pss = rss + info.rss, pss + getattr(info, "pss", info.rss)
        kinds[kind] = kinds.get(kind, 0) + info.rss
    return rss, pss, kinds


def sample_until(root: psutil.Process, stop: threading.Event, peak: MemoryPeak) -> None:
    """Keep the peak RSS (with its breakdown) and the peak PSS of root's tree until stop is set."""
    while not stop.wait(SAMPLE_SECONDS):
        try:
            rss, pss, kinds = tree_memory(root)
        except psutil.NoSuchProcess:
            return
        if rss > peak.rss:
            peak.rss, peak.kinds = rss, kinds
        peak.pss = max(peak.pss, pss)


def run_nightly_sampled(
    registry: list[Municipality], cfg: CrawlSettings, db_path: Path, probe_hosts: str
) -> tuple[RunSummary, MemoryPeak]:
    """Run the nightly crawl in its own process (the farm stays out of the tree) and sample its memory."""
    ctx = multiprocessing.get_context("spawn")
    channel: Any = ctx.Queue()
    # Not a daemon: the run starts crawl workers of its own.
    process = ctx.Process(target=nightly_main, args=(registry, cfg, RUN_DATE, str(db_path), channel, probe_hosts))
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
                    f"la corrida de medición terminó sin resultado (código {process.exitcode})"
                ) from None


def measure_browser() -> list[Measurement]:
    """The demo's run (125 sites, IPOMEX 3 and 4) and what the browser cost it."""
    world = build_world(run_date=RUN_DATE)
    with FarmServer(world) as farm, tempfile.TemporaryDirectory() as tmp:
        cfg = replace(CrawlSettings.from_env(), ipomex4_base=farm.ipomex4_url)
        started = time.perf_counter()
        probe_hosts = urlsplit(farm.ipomex_base).netloc
        summary, peak = run_nightly_sampled(farm.registry(), cfg, Path(tmp) / "demo.db", probe_hosts)
        seconds = time.perf_counter() - started
    return browser_measurements(summary, peak, seconds)


def browser_measurements(summary: RunSummary, peak: MemoryPeak, seconds: float) -> list[Measurement]:
    """Share of pages read without the browser, seconds per rendered page, and the run's peak memory."""
    rendered = summary.browser.pages if summary.browser else 0
    browser_seconds = summary.browser.seconds if summary.browser else 0.0
    plain = 100 * (1 - rendered / summary.pages_ok) if summary.pages_ok else 0.0
    return [
        at_least(
            "páginas municipales sin navegador",
            plain,
            "%",
            95.0,
            note=f"{rendered} de {summary.pages_ok} páginas renderizadas",
        ),
        at_most("segundos por página renderizada", browser_seconds / rendered if rendered else 0.0, "s", None),
        at_most(
            "memoria máxima de la corrida (RSS, árbol de procesos)",
            peak.rss / 1e9,
            "GB",
            MAX_RSS_GB,
            note=f"PSS {peak.pss / 1e9:.2f} GB (RSS cuenta una vez por proceso las páginas que Chromium comparte); "
            f"RSS en el pico, MB: {peak.describe()}",
        ),
        at_most(
            "corrida completa de la demostración (sitios e IPOMEX)",
            seconds,
            "s",
            None,
            note=f"corrida {summary.status}; {summary.portals_done} municipios en IPOMEX",
        ),
    ]
