"""Run site crawls in a child process and stream each site's report back to the caller.

Scrapy's Twisted reactor cannot be restarted, and a browser or a leak must not outlive a run: every run gets a
fresh spawned process, while the caller (CLI, scheduler) keeps the database, the progress bar and the clock.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import queue as queue_module
import traceback
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from checks.catalogue import Catalogue, load_catalogue
from checks.engine import SiteEvaluator
from checks.ipomex_model import IpomexCapture
from checks.model import CrawlOutcome, SiteReport
from checks.obligations import load_obligations
from crawler.browser import BrowserPool, RenderStats, browser_available, find_browser
from crawler.failures import DETAILS
from crawler.ipomex.base import IpomexTarget, new_capture
from crawler.settings import CrawlSettings, playwright_settings, scrapy_settings
from crawler.target import SiteTarget
from vigia.errors import CrawlError

log = logging.getLogger("vigia.crawler")
POLL_SECONDS = 1.0


def unreachable_report(target: SiteTarget, run_date: date, reason: str, catalogue: Catalogue | None = None,
                       detail: str | None = None) -> SiteReport:
    """Report for a site that could not be crawled at all: every check decided from the failure alone."""
    outcome = CrawlOutcome(start_url=target.url or "", home_url=None, failure=reason,
                           failure_detail=detail or DETAILS.get(reason, DETAILS["error"]))
    evaluator = SiteEvaluator(catalogue or load_catalogue(), run_date, target.nombre)
    return SiteReport(target.cve_inegi, target.url, outcome, results=evaluator.finish(outcome))


Event = SiteReport | IpomexCapture | RenderStats


def crawl_sites(targets: Sequence[SiteTarget], cfg: CrawlSettings, run_date: date) -> Iterator[SiteReport]:
    """Yield one SiteReport per target, in completion order; targets without URL are answered at once."""
    for event in crawl(targets, [], cfg, run_date):
        if isinstance(event, SiteReport):
            yield event


def crawl(targets: Sequence[SiteTarget], portals: Sequence[IpomexTarget], cfg: CrawlSettings,
          run_date: date) -> Iterator[Event]:
    """Yield site reports, then IPOMEX captures, then the browser's usage, as the child process produces them."""
    catalogue = load_catalogue()
    for target in targets:
        if not target.url:
            yield unreachable_report(target, run_date, "no_url", catalogue)
    with_url = [t for t in targets if t.url]
    if with_url or portals:
        yield from _crawl_in_child(with_url, list(portals), cfg, run_date)


def _crawl_in_child(targets: list[SiteTarget], portals: list[IpomexTarget], cfg: CrawlSettings,
                    run_date: date) -> Iterator[Event]:
    ctx = multiprocessing.get_context("spawn")
    channel: Any = ctx.Queue()
    process = ctx.Process(target=child_main, args=(targets, portals, cfg, run_date, channel), daemon=True)
    process.start()
    try:
        yield from _receive(process, channel)
        process.join(timeout=30)
    finally:
        if process.is_alive():
            process.terminate()
            process.join(timeout=10)


def _receive(process: Any, channel: Any) -> Iterator[Event]:
    while True:
        try:
            kind, payload = channel.get(timeout=POLL_SECONDS)
        except queue_module.Empty:
            if not process.is_alive():
                raise CrawlError(
                    f"El proceso de rastreo terminó inesperadamente (código {process.exitcode}). "
                    "Revise el registro de Vigía; la corrida queda marcada como fallida.") from None
            continue
        if kind == "event":
            yield payload
        elif kind == "done":
            return
        else:
            log.error("crawl child failed: %s", payload)
            raise CrawlError("El rastreo falló por un error interno; la corrida queda marcada como fallida. "
                             "Detalle técnico en el registro de Vigía.")


def _setup_child_logging(cfg: CrawlSettings) -> None:
    handler: logging.Handler = logging.FileHandler(cfg.log_file) if cfg.log_file else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    # Scrapy logs every retry and discarded redirect at WARNING/ERROR; the reasons are in our results.
    for noisy in ("scrapy", "scrapy-playwright", "scrapy_playwright", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)


def child_main(targets: list[SiteTarget], portals: list[IpomexTarget], cfg: CrawlSettings, run_date: date,
               channel: Any) -> None:
    """Entry point of the crawl process: run every spider under one asyncio reactor."""
    _setup_child_logging(cfg)
    try:
        _run_reactor(targets, portals, cfg, run_date, channel)
        channel.put(("done", None))
    except BaseException:
        channel.put(("fatal", traceback.format_exc()))
        raise


def _browser_pool(cfg: CrawlSettings) -> BrowserPool | None:
    if not (cfg.render_js and browser_available(cfg.browser_executable)):
        return None
    return BrowserPool(find_browser(cfg.browser_executable), cfg.browser_max_pages, cfg.browser_timeout)


def _run_reactor(targets: list[SiteTarget], portals: list[IpomexTarget], cfg: CrawlSettings, run_date: date,
                 channel: Any) -> None:
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet import reactor as installed_reactor

    reactor: Any = installed_reactor  # Twisted's module-level reactor is untyped for mypy
    runner = AsyncCrawlerRunner(scrapy_settings(cfg))

    def emit(event: Event) -> None:
        channel.put(("event", event))

    async def crawl_all() -> None:
        await _crawl_sites(runner, targets, cfg, run_date, emit)
        if portals:
            await _crawl_portals(portals, cfg, emit)

    failures: list[Any] = []
    deferred = deferred_from_coro(crawl_all())
    deferred.addErrback(failures.append)
    deferred.addBoth(lambda _: reactor.stop())
    reactor.run(installSignalHandlers=False)
    if failures:
        # A phase that died must fail the run, never let it close as merely partial.
        failures[0].raiseException()


async def _crawl_sites(runner: Any, targets: list[SiteTarget], cfg: CrawlSettings, run_date: date,
                       emit: Callable[[Event], None]) -> None:
    from spiders.municipal import MunicipalSiteSpider

    catalogue = load_catalogue()
    limit = asyncio.Semaphore(cfg.sites_in_parallel)
    browser = _browser_pool(cfg)

    async def crawl_one(target: SiteTarget) -> None:
        async with limit:
            try:
                await runner.crawl(MunicipalSiteSpider, target=target, cfg=cfg, run_date=run_date, sink=emit,
                                   catalogue=catalogue, browser=browser)
            except Exception:
                log.exception("spider for %s crashed", target.url)
                emit(unreachable_report(target, run_date, "crawl_crashed", catalogue))

    await asyncio.gather(*(crawl_one(t) for t in targets))
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
    runner = AsyncCrawlerRunner({**scrapy_settings(cfg), **playwright_settings(cfg)})
    await runner.crawl(IpomexSpider, targets=portals, cfg=cfg, sink=emit, obligations=load_obligations())
