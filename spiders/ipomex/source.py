"""IPOMEX as a source: each municipality's transparency pages on its portal generation, judged per obligation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from checks.ipomex_eval import evaluate_capture
from checks.ipomex_model import IpomexCapture
from checks.model import SourceReport
from checks.obligations import load_obligations
from config.registry import Municipality
from crawler.browser import browser_available
from crawler.settings import CrawlSettings, playwright_settings, scrapy_settings
from crawler.source import History, SourcePlan, Visit
from spiders.ipomex.base import IpomexTarget, new_capture, targets_for

NO_IPOMEX = "el registro no tiene la dirección de IPOMEX de este municipio"


class IpomexSource:
    """The state transparency portal, read through the run's browser by IpomexSpider and one adapter per generation."""

    # Reports carry their portal generation; "ipomex" is a municipality with no known IPOMEX address.
    names = frozenset({"ipomex", "ipomex3", "ipomex4", "ipomex_legado"})
    label = "portales"
    browser = True

    def plan(
        self, municipalities: Sequence[Municipality], cfg: CrawlSettings, run_date: date, history: History
    ) -> SourcePlan:
        """Portal targets to read (IPOMEX 4 ones with what the last run that read them recorded), and the
        unreadable reports of municipalities with no known IPOMEX address."""
        if not cfg.ipomex:
            return SourcePlan()
        plan = SourcePlan()
        for item in targets_for(municipalities, cfg.ipomex4_base):
            if isinstance(item, IpomexTarget):
                plan.targets.append(item)
            else:
                unknown = IpomexCapture(item.cve_inegi, "ipomex", None, datetime.now(UTC), "no_ipomex", NO_IPOMEX)
                plan.decided.append(self.evaluate(unknown, run_date))
        plan.targets = with_prior(plan.targets, history)
        return plan

    def evaluate(self, fetched: IpomexCapture, run_date: date) -> SourceReport:
        """One result per obligation of the catalogue, from what the adapter captured."""
        results = evaluate_capture(fetched, load_obligations(), run_date)
        return SourceReport(
            fetched.source, fetched.cve_inegi, results, fetched.failure, fetched.failure_detail, fetched
        )

    async def visit(self, visit: Visit) -> None:
        """Read every claimed portal with one spider through scrapy-playwright (the render pass's browser)."""
        from scrapy.crawler import AsyncCrawlerRunner

        from spiders.ipomex.spider import IpomexSpider

        portals, cfg = visit.claim_all(), visit.cfg

        def sink(capture: IpomexCapture) -> None:
            visit.emit(self.evaluate(capture, visit.run_date))

        if not browser_available(cfg.browser_executable):
            for target in portals:
                capture = new_capture(target)
                capture.failure, capture.failure_detail = "no_browser", "no hay un navegador Chromium disponible"
                sink(capture)
            return
        schemes = frozenset(urlsplit(target.url).scheme for target in portals)
        runner = AsyncCrawlerRunner({**scrapy_settings(cfg, visit.spool), **playwright_settings(cfg, schemes)})
        await runner.crawl(
            IpomexSpider, targets=portals, cfg=cfg, sink=sink, obligations=load_obligations(), run_date=visit.run_date
        )


def with_prior(targets: list[IpomexTarget], history: History) -> list[IpomexTarget]:
    """IPOMEX 4 targets carry their last read (only that generation's list shows when a fraction changed)."""
    wanted = [t.cve_inegi for t in targets if t.source == "ipomex4" and t.cve_inegi]
    prior = history.last_read(frozenset({"ipomex4"}), wanted) if wanted else {}
    return [replace(t, prior=prior.get(t.cve_inegi)) if t.cve_inegi in prior else t for t in targets]


SOURCE = IpomexSource()
