"""The crawl worker process: one asyncio reactor running the spiders of every source it is given.

Several workers may share one run: each pulls the next site from a counter shared by all of them, so a 2-core
machine checks pages on both cores and a slow site never leaves a worker idle.
"""

from __future__ import annotations

import logging
import os
import resource
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from checks.model import SourceReport
from crawler.browser import DRIVER_NODE_OPTIONS, RenderStats
from crawler.settings import CrawlSettings, scrapy_settings
from crawler.source import Deferred, Visit, load_source

log = logging.getLogger("vigia.crawler")


@dataclass
class WorkerStats:
    """What one crawl worker process consumed: CPU (user + system) and wall seconds, peak RSS in bytes."""

    worker: int
    cpu_seconds: float
    wall_seconds: float
    max_rss_bytes: int


Event = SourceReport | RenderStats | WorkerStats | Deferred
# One source's share of a job: its module name and every target of the phase (claimed through a shared counter).
Work = tuple[str, list[Any]]


@dataclass
class WorkerJob:
    """What a worker process is given: each source's targets (claimed through shared counters), its share of
    parallel sites, and whether it holds the browser (the render pass) or hands JavaScript sites over to it."""

    worker: int
    work: list[Work]
    cfg: CrawlSettings
    run_date: date
    sites_in_parallel: int
    render: bool = False
    # The run's evidence spool folder; None when the run does not archive evidence.
    spool: str | None = None


def child_main(job: WorkerJob, counters: list[Any], channel: Any) -> None:
    """Entry point of a crawl worker: run its spiders under one asyncio reactor, then report its usage."""
    _setup_child_logging(job.cfg)
    # Inherited by the Playwright driver this worker may start (its node process reads NODE_OPTIONS).
    os.environ.setdefault("NODE_OPTIONS", DRIVER_NODE_OPTIONS)
    started = time.monotonic()
    try:
        _run_reactor(job, counters, channel)
        channel.put(("event", _usage(job.worker, started)))
        channel.put(("done", job.worker))
    except BaseException:
        channel.put(("fatal", traceback.format_exc()))
        raise


def _usage(worker: int, started: float) -> WorkerStats:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return WorkerStats(
        worker,
        round(usage.ru_utime + usage.ru_stime, 3),
        round(time.monotonic() - started, 3),
        peak_rss(usage.ru_maxrss * 1024),
    )


def peak_rss(fallback: int) -> int:
    """This process's own peak RSS in bytes (VmHWM). ru_maxrss is no use here: Linux carries the spawning parent's
    peak across fork and exec, so a worker forked from a big process would report the parent's size."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return fallback


def _setup_child_logging(cfg: CrawlSettings) -> None:
    handler: logging.Handler = logging.FileHandler(cfg.log_file) if cfg.log_file else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    # Scrapy logs every retry and discarded redirect at WARNING/ERROR; the reasons are in our results.
    for noisy in ("scrapy", "scrapy-playwright", "scrapy_playwright", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)


def _run_reactor(job: WorkerJob, counters: list[Any], channel: Any) -> None:
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.utils.defer import deferred_from_coro
    from scrapy.utils.misc import load_object
    from twisted.internet import reactor as installed_reactor

    reactor: Any = installed_reactor  # Twisted's module-level reactor is untyped for mypy
    runner = AsyncCrawlerRunner(scrapy_settings(job.cfg, job.spool))
    # Only CrawlerProcess installs TWISTED_DNS_RESOLVER; a runner on our own reactor must do it itself.
    load_object(runner.settings["TWISTED_DNS_RESOLVER"]).from_settings(runner.settings, reactor).install_on_reactor()

    def emit(event: object) -> None:
        channel.put(("event", event))

    async def crawl_all() -> None:
        for (module, targets), counter in zip(job.work, counters, strict=True):
            if targets:
                await load_source(module).visit(_visit(job, module, targets, counter, emit, runner))

    failures: list[Any] = []
    deferred = deferred_from_coro(crawl_all())
    deferred.addErrback(failures.append)
    deferred.addBoth(lambda _: reactor.stop())
    reactor.run(installSignalHandlers=False)
    if failures:
        # A phase that died must fail the run, never let it close as merely partial.
        failures[0].raiseException()


def next_index(counter: Any) -> int:
    """Take the next unclaimed target index from the counter shared by every worker of the run."""
    with counter.get_lock():
        index = int(counter.value)
        counter.value = index + 1
    return index


def _visit(
    job: WorkerJob, module: str, targets: list[Any], counter: Any, emit: Callable[[object], None], runner: Any
) -> Visit:
    def claim() -> Any | None:
        index = next_index(counter)
        return targets[index] if index < len(targets) else None

    return Visit(
        module, targets, job.cfg, job.run_date, job.sites_in_parallel, job.render, claim, emit, runner, job.spool
    )
