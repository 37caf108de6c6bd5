"""The crawl worker process: one asyncio reactor running site spiders (and, in the portal worker, IPOMEX).

Several workers may share one run: each pulls the next site from a counter shared by all of them, so a 2-core
machine checks pages on both cores and a slow site never leaves a worker idle.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from checks.catalogue import Catalogue, load_catalogue
from checks.engine import SiteEvaluator
from checks.ipomex_model import IpomexCapture
from checks.model import CrawlOutcome, SiteReport
from checks.obligations import load_obligations
from crawler.browser import DRIVER_NODE_OPTIONS, BrowserPool, RenderStats, browser_available, find_browser
from crawler.failures import DETAILS
from crawler.ipomex.base import IpomexTarget, new_capture
from crawler.settings import CrawlSettings, playwright_settings, scrapy_settings
from crawler.target import DeferredSite, SiteTarget

log = logging.getLogger("vigia.crawler")


@dataclass
class WorkerStats:
    """What one crawl worker process consumed: CPU (user + system) and wall seconds, peak RSS in bytes."""

    worker: int
    cpu_seconds: float
    wall_seconds: float
    max_rss_bytes: int


Event = SiteReport | IpomexCapture | RenderStats | WorkerStats | DeferredSite


def unreachable_report(
    target: SiteTarget, run_date: date, reason: str, catalogue: Catalogue | None = None, detail: str | None = None
) -> SiteReport:
    """Report for a site that could not be crawled at all: every check decided from the failure alone."""
    outcome = CrawlOutcome(
        start_url=target.url or "",
        home_url=None,
        failure=reason,
        failure_detail=detail or DETAILS.get(reason, DETAILS["error"]),
    )
    evaluator = SiteEvaluator(catalogue or load_catalogue(), run_date, target.nombre)
    return SiteReport(target.cve_inegi, target.url, outcome, results=evaluator.finish(outcome))


@dataclass
class WorkerJob:
    """What a worker process is given: every target (claimed through a shared counter), its share of parallel
    sites, and whether it holds the browser (the render pass) or hands JavaScript sites over to it."""

    worker: int
    targets: list[SiteTarget]
    portals: list[IpomexTarget]
    cfg: CrawlSettings
    run_date: date
    sites_in_parallel: int
    render: bool = False


def child_main(job: WorkerJob, counter: Any, channel: Any) -> None:
    """Entry point of a crawl worker: run its spiders under one asyncio reactor, then report its usage."""
    _setup_child_logging(job.cfg)
    # Inherited by the Playwright driver this worker may start (its node process reads NODE_OPTIONS).
    os.environ.setdefault("NODE_OPTIONS", DRIVER_NODE_OPTIONS)
    started = time.monotonic()
    try:
        _run_reactor(job, counter, channel)
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


def _browser_pool(cfg: CrawlSettings) -> BrowserPool | None:
    if not (cfg.render_js and browser_available(cfg.browser_executable)):
        return None
    return BrowserPool(find_browser(cfg.browser_executable), cfg.browser_max_pages, cfg.browser_timeout)


def _run_reactor(job: WorkerJob, counter: Any, channel: Any) -> None:
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.utils.defer import deferred_from_coro
    from scrapy.utils.misc import load_object
    from twisted.internet import reactor as installed_reactor

    reactor: Any = installed_reactor  # Twisted's module-level reactor is untyped for mypy
    runner = AsyncCrawlerRunner(scrapy_settings(job.cfg))
    # Only CrawlerProcess installs TWISTED_DNS_RESOLVER; a runner on our own reactor must do it itself.
    load_object(runner.settings["TWISTED_DNS_RESOLVER"]).from_settings(runner.settings, reactor).install_on_reactor()

    def emit(event: Event) -> None:
        channel.put(("event", event))

    async def crawl_all() -> None:
        if job.targets:
            await _crawl_sites(runner, job, counter, emit)
        if job.portals:
            await _crawl_portals(job.portals, job.cfg, emit)

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


async def _crawl_sites(runner: Any, job: WorkerJob, counter: Any, emit: Callable[[Event], None]) -> None:
    from spiders.municipal import MunicipalSiteSpider

    catalogue = load_catalogue()
    # One browser per run (memory budget): site workers defer JavaScript sites to the render pass, which has it.
    browser = _browser_pool(job.cfg) if job.render else None
    defer = not job.render and job.cfg.render_js and browser_available(job.cfg.browser_executable)

    async def crawl_one(target: SiteTarget) -> None:
        try:
            await runner.crawl(
                MunicipalSiteSpider,
                target=target,
                cfg=job.cfg,
                run_date=job.run_date,
                sink=emit,
                catalogue=catalogue,
                browser=browser,
                defer_js=defer,
            )
        except Exception:
            log.exception("spider for %s crashed", target.url)
            emit(unreachable_report(target, job.run_date, "crawl_crashed", catalogue))

    async def lane() -> None:
        while (index := next_index(counter)) < len(job.targets):
            await crawl_one(job.targets[index])

    await asyncio.gather(*(lane() for _ in range(job.sites_in_parallel)))
    if browser is not None:
        await browser.close()
        emit(browser.stats)


async def _crawl_portals(portals: list[IpomexTarget], cfg: CrawlSettings, emit: Callable[[Event], None]) -> None:
    from scrapy.crawler import AsyncCrawlerRunner

    from spiders.ipomex import IpomexSpider

    if not browser_available(cfg.browser_executable):
        for target in portals:
            capture = new_capture(target)
            capture.failure, capture.failure_detail = "no_browser", "no hay un navegador Chromium disponible"
            emit(capture)
        return
    schemes = frozenset(urlsplit(target.url).scheme for target in portals)
    runner = AsyncCrawlerRunner({**scrapy_settings(cfg), **playwright_settings(cfg, schemes)})
    await runner.crawl(IpomexSpider, targets=portals, cfg=cfg, sink=emit, obligations=load_obligations())
