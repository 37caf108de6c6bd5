"""Run site crawls in worker processes and stream each site's report back to the caller.

Scrapy's Twisted reactor cannot be restarted, and a browser or a leak must not outlive a run: every run gets fresh
spawned workers, while the caller (CLI, scheduler) keeps the database, the progress bar and the clock. Sites are
shared by `crawl_processes` workers (parsing and checking pages is CPU-bound) that hold no browser: a site whose
pages need JavaScript is handed over to the render pass, one worker with the run's only browser, which then reads
the IPOMEX portals. One browser at a time keeps a run within its memory budget.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue as queue_module
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from checks.catalogue import load_catalogue
from checks.model import SiteReport
from core.errors import CrawlError
from crawler.browser import RenderStats
from crawler.child import Event, WorkerJob, WorkerStats, child_main, unreachable_report
from crawler.ipomex.base import IpomexTarget
from crawler.settings import CrawlSettings
from crawler.target import DeferredSite, SiteTarget

__all__ = ["Event", "WorkerStats", "crawl", "crawl_sites", "unreachable_report"]

log = logging.getLogger("vigia.crawler")
POLL_SECONDS = 1.0


def crawl_sites(targets: Sequence[SiteTarget], cfg: CrawlSettings, run_date: date) -> Iterator[SiteReport]:
    """Yield one SiteReport per target, in completion order; targets without URL are answered at once."""
    for event in crawl(targets, [], cfg, run_date):
        if isinstance(event, SiteReport):
            yield event


def crawl(
    targets: Sequence[SiteTarget], portals: Sequence[IpomexTarget], cfg: CrawlSettings, run_date: date
) -> Iterator[Event]:
    """Yield site reports, the browser's usage, then IPOMEX captures, and each worker's usage, as they come."""
    catalogue = load_catalogue()
    for target in targets:
        if not target.url:
            yield unreachable_report(target, run_date, "no_url", catalogue)
    with_url = [t for t in targets if t.url]
    deferred: list[SiteTarget] = []
    if with_url:
        for event in _site_workers(with_url, cfg, run_date):
            if isinstance(event, DeferredSite):
                deferred.append(event.target)
            else:
                yield event
    if deferred or portals:
        lanes = max(1, min(len(deferred), cfg.sites_in_parallel))
        yield from _run_workers([WorkerJob(0, deferred, list(portals), cfg, run_date, lanes, render=True)])
    if with_url and not deferred and cfg.render_js:
        yield RenderStats()  # nothing needed the browser tonight


def worker_count(cfg: CrawlSettings, sites: int) -> int:
    """How many site workers a run starts: the setting, never more than one per site."""
    return max(1, min(cfg.crawl_processes, sites))


def _site_workers(targets: list[SiteTarget], cfg: CrawlSettings, run_date: date) -> Iterator[Event]:
    count = worker_count(cfg, len(targets))
    lanes = max(1, -(-cfg.sites_in_parallel // count))
    yield from _run_workers([WorkerJob(n, targets, [], cfg, run_date, lanes) for n in range(count)])


def _run_workers(jobs: list[WorkerJob]) -> Iterator[Event]:
    ctx = multiprocessing.get_context("spawn")
    channel: Any = ctx.Queue()
    counter: Any = ctx.Value("i", 0)
    processes = [ctx.Process(target=child_main, args=(job, counter, channel), daemon=True) for job in jobs]
    for process in processes:
        process.start()
    try:
        yield from _receive(processes, channel)
        for process in processes:
            process.join(timeout=30)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(timeout=10)


def _receive(processes: list[Any], channel: Any) -> Iterator[Event]:
    pending = len(processes)
    while pending:
        try:
            kind, payload = channel.get(timeout=POLL_SECONDS)
        except queue_module.Empty:
            _check_alive(processes)
            continue
        if kind == "event":
            yield payload
        elif kind == "done":
            pending -= 1
        else:
            log.error("crawl worker failed: %s", payload)
            raise CrawlError(
                "El rastreo falló por un error interno; la corrida queda marcada como fallida. "
                "Detalle técnico en el registro de Vigía."
            )


def _check_alive(processes: list[Any]) -> None:
    # A worker that exited without saying "done" died (killed, out of memory): its sites were never reported.
    for process in processes:
        if not process.is_alive() and process.exitcode != 0:
            raise CrawlError(
                f"El proceso de rastreo terminó inesperadamente (código {process.exitcode}). "
                "Revise el registro de Vigía; la corrida queda marcada como fallida."
            )
