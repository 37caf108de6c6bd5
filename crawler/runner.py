"""Run the sources' spiders in worker processes and stream each target's report back to the caller.

Scrapy's Twisted reactor cannot be restarted, and a browser or a leak must not outlive a run: every run gets fresh
spawned workers, while the caller (CLI, scheduler) keeps the database, the progress bar and the clock. The targets of
browserless sources are shared by `crawl_processes` workers (parsing and checking pages is CPU-bound): a target
whose pages need JavaScript is deferred to the render pass, one worker with the run's only browser, which then
visits the sources that need a browser (IPOMEX). One browser at a time keeps a run within its memory budget.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue as queue_module
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from core.errors import CrawlError
from crawler.browser import RenderStats
from crawler.child import Event, Work, WorkerJob, WorkerStats, child_main
from crawler.settings import CrawlSettings
from crawler.source import Deferred, SourcePlan, load_source

__all__ = ["Event", "WorkerStats", "crawl", "worker_count"]

log = logging.getLogger("vigia.crawler")
POLL_SECONDS = 1.0


def crawl(
    plans: Mapping[str, SourcePlan], cfg: CrawlSettings, run_date: date, spool: str | None = None
) -> Iterator[Event]:
    """Visit every source's targets (not its decided reports); yield reports and usage as they come. With spool,
    the crawl processes capture the evidence they read there (archive/capture.py)."""
    browser = {module: load_source(module).browser for module in plans}
    first = [(module, list(plan.targets)) for module, plan in plans.items() if not browser[module]]
    deferred: dict[str, list[Any]] = {module: [] for module in plans}
    visited = any(targets for _, targets in first)
    if visited:
        for event in _phase_workers(first, cfg, run_date, spool):
            if isinstance(event, Deferred):
                deferred[event.source].append(event.target)
            else:
                yield event
    held = sum(len(targets) for targets in deferred.values())
    render = [(m, deferred[m] + (list(p.targets) if browser[m] else [])) for m, p in plans.items()]
    if any(targets for _, targets in render):
        lanes = max(1, min(held, cfg.sites_in_parallel))
        yield from _run_workers([WorkerJob(0, render, cfg, run_date, lanes, render=True, spool=spool)])
    if visited and not held and cfg.render_js:
        yield RenderStats()  # nothing needed the browser tonight


def worker_count(cfg: CrawlSettings, sites: int) -> int:
    """How many site workers a run starts: the setting, never more than one per site."""
    return max(1, min(cfg.crawl_processes, sites))


def _phase_workers(work: list[Work], cfg: CrawlSettings, run_date: date, spool: str | None) -> Iterator[Event]:
    count = worker_count(cfg, max(len(targets) for _, targets in work))
    lanes = max(1, -(-cfg.sites_in_parallel // count))
    yield from _run_workers([WorkerJob(n, work, cfg, run_date, lanes, spool=spool) for n in range(count)])


def _run_workers(jobs: list[WorkerJob]) -> Iterator[Event]:
    ctx = multiprocessing.get_context("spawn")
    channel: Any = ctx.Queue()
    # One counter per source, shared by every worker of the phase: each target is claimed exactly once.
    counters: list[Any] = [ctx.Value("i", 0) for _ in jobs[0].work]
    processes = [ctx.Process(target=child_main, args=(job, counters, channel), daemon=True) for job in jobs]
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
