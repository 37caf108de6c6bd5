"""The municipal site as a source: one target per municipality, one spider instance per site, checks streamed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from checks.catalogue import Catalogue, load_catalogue
from checks.engine import SiteEvaluator
from checks.model import CrawlOutcome, SiteReport, SourceReport
from config.registry import Municipality, load_registry
from core.errors import VigiaError
from crawler.browser import BrowserPool, browser_available, find_browser
from crawler.failures import DETAILS
from crawler.runner import Event, crawl
from crawler.settings import CrawlSettings
from crawler.source import History, SourcePlan, Visit
from spiders.sitio.target import DeferredSite, SiteTarget
from spiders.sitio.watch import IdentityWatch

log = logging.getLogger("vigia.crawler")
MODULE = __name__.rpartition(".")[0]


@dataclass(frozen=True)
class Unvisited:
    """A site that could not be crawled at all, and the machine reason (no_url, crawl_crashed)."""

    target: SiteTarget
    reason: str


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


def source_report(site: SiteReport) -> SourceReport:
    """The site's report as every source delivers it: its results, its failure and the site's facts."""
    outcome = site.outcome
    return SourceReport("sitio", site.cve_inegi, site.results, outcome.failure, outcome.failure_detail, site)


class SitioSource:
    """The municipality's official site, crawled by MunicipalSiteSpider; pages are checked as they arrive."""

    names = frozenset({"sitio"})
    label = "sitios"
    browser = False

    def plan(
        self, municipalities: Sequence[Municipality], cfg: CrawlSettings, run_date: date, history: History
    ) -> SourcePlan:
        """One site per municipality; a municipality without URL is decided at once."""
        return self.split([SiteTarget.of(m) for m in municipalities], run_date)

    def split(self, targets: Sequence[SiteTarget], run_date: date) -> SourcePlan:
        """Targets with a URL to crawl, and the reports of those without one."""
        decided = [
            self.evaluate(Unvisited(t, "sin_sitio" if t.no_site else "no_url"), run_date) for t in targets if not t.url
        ]
        return SourcePlan([t for t in targets if t.url], decided)

    def evaluate(self, fetched: SiteReport | Unvisited, run_date: date) -> SourceReport:
        """A site the spider read was checked page by page as it came; an unvisited one from its failure alone."""
        if isinstance(fetched, Unvisited):
            fetched = unreachable_report(fetched.target, run_date, fetched.reason)
        return source_report(fetched)

    async def visit(self, visit: Visit) -> None:
        """Crawl claimed sites in parallel lanes; JavaScript sites go to the render pass unless this worker renders."""
        from spiders.sitio.spider import MunicipalSiteSpider

        cfg, run_date = visit.cfg, visit.run_date
        catalogue = load_catalogue()
        watch = _identity_watch(run_date)
        # One browser per run (memory budget): site workers defer JavaScript sites to the render pass, which has it.
        browser = _browser_pool(cfg) if visit.render else None
        defer = not visit.render and cfg.render_js and browser_available(cfg.browser_executable)

        def sink(event: SiteReport | DeferredSite) -> None:
            if isinstance(event, DeferredSite):
                visit.defer(event.target)
            else:
                visit.emit(self.evaluate(event, run_date))

        async def crawl_one(target: SiteTarget) -> None:
            try:
                await visit.runner.crawl(
                    MunicipalSiteSpider,
                    target=target,
                    cfg=cfg,
                    run_date=run_date,
                    sink=sink,
                    catalogue=catalogue,
                    browser=browser,
                    defer_js=defer,
                    watch=watch,
                )
            except Exception:
                log.exception("spider for %s crashed", target.url)
                visit.emit(self.evaluate(Unvisited(target, "crawl_crashed"), run_date))

        async def lane() -> None:
            while (target := visit.claim()) is not None:
                await crawl_one(target)

        await asyncio.gather(*(lane() for _ in range(visit.lanes)))
        if browser is not None:
            await browser.close()
            visit.emit(browser.stats)


def _identity_watch(run_date: date) -> IdentityWatch | None:
    """The watch over confirmed sites; without a readable registry, sites are crawled unwatched (and it is logged)."""
    try:
        return IdentityWatch(load_registry(), run_date)
    except VigiaError:
        log.exception("identity watch off: the registry could not be read")
        return None


def _browser_pool(cfg: CrawlSettings) -> BrowserPool | None:
    if not (cfg.render_js and browser_available(cfg.browser_executable)):
        return None
    return BrowserPool(find_browser(cfg.browser_executable), cfg.browser_max_pages, cfg.browser_timeout)


SOURCE = SitioSource()


def site_events(targets: Sequence[SiteTarget], cfg: CrawlSettings, run_date: date) -> Iterator[Event | SiteReport]:
    """Crawl these sites alone (no database, no other source): site reports as SiteReport, then the usage events."""
    plan = SOURCE.split(targets, run_date)
    for report in plan.decided:
        yield _site(report)
    for event in crawl({MODULE: plan}, cfg, run_date):
        yield _site(event) if isinstance(event, SourceReport) else event


def crawl_sites(targets: Sequence[SiteTarget], cfg: CrawlSettings, run_date: date) -> Iterator[SiteReport]:
    """Yield one SiteReport per target, in completion order; targets without URL are answered at once."""
    for event in site_events(targets, cfg, run_date):
        if isinstance(event, SiteReport):
            yield event


def _site(report: SourceReport) -> SiteReport:
    assert isinstance(report.facts, SiteReport)
    return report.facts
