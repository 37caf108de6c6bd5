"""A trivial source: read one page per municipality and say whether it has a <title> (check pagina.titulo)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from checks.model import CheckResult, SourceReport
from config.registry import Municipality
from crawler.failures import classify_failure
from crawler.settings import CrawlSettings
from crawler.source import History, SourcePlan, Visit
from crawler.ssrf import SsrfPolicy

CHECK = "pagina.titulo"


@dataclass(frozen=True)
class Page:
    """What was fetched for one municipality: its title, or why the page could not be read."""

    cve_inegi: str
    url: str
    title: str | None = None
    failure: str | None = None


class TitleSpider(scrapy.Spider):
    """One request per target; every answer (or failure) goes to the sink."""

    name = "pagina"

    def __init__(self, targets: list[tuple[str, str]], cfg: CrawlSettings, sink: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.targets, self.sink = targets, sink
        self.ssrf_policy = SsrfPolicy.for_urls([url for _, url in targets], cfg.allow_private_networks)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The page of each target."""
        for cve, url in self.targets:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, meta={"cve": cve}, dont_filter=True)

    def parse(self, response: Response) -> None:
        """Hand over the page's title."""
        self.sink(Page(response.meta["cve"], response.url, response.css("title::text").get()))

    def failed(self, failure: Failure) -> None:
        """Hand over why the page could not be read."""
        request = failure.request  # type: ignore[attr-defined]
        self.sink(Page(request.meta["cve"], request.url, failure=classify_failure(failure)[0]))


class PaginaSource:
    """Each municipality's site home page, judged on one check of its own."""

    names = frozenset({"pagina"})
    label = "páginas"
    browser = False

    def plan(
        self, municipalities: Sequence[Municipality], cfg: CrawlSettings, run_date: date, history: History
    ) -> SourcePlan:
        """One target per municipality with a site."""
        return SourcePlan([(m.cve_inegi, m.sitio_web) for m in municipalities if m.sitio_web])

    def evaluate(self, fetched: Page, run_date: date) -> SourceReport:
        """cumple with a title, no_cumple without one, indeterminado when the page could not be read."""
        if fetched.failure is not None:
            result = CheckResult(CHECK, "indeterminado", reason=fetched.failure, source="pagina")
        else:
            result = CheckResult(CHECK, "cumple" if fetched.title else "no_cumple", source="pagina")
        return SourceReport("pagina", fetched.cve_inegi, [result], fetched.failure)

    async def visit(self, visit: Visit) -> None:
        """One spider for every claimed target."""

        def sink(page: Page) -> None:
            visit.emit(self.evaluate(page, visit.run_date))

        await visit.runner.crawl(TitleSpider, targets=visit.claim_all(), cfg=visit.cfg, sink=sink)


SOURCE = PaginaSource()
