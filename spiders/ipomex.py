"""The IPOMEX spider: every municipality's transparency pages, through scrapy-playwright and the system Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from checks.obligations import ObligationCatalogue
from crawler.failures import classify_failure
from crawler.ipomex import ipomex3, ipomex4
from crawler.ipomex.base import Assembly, IpomexTarget, Sink, new_capture
from crawler.settings import CrawlSettings


class IpomexSpider(scrapy.Spider):
    """Read the fractions of every target's index (IPOMEX 3) or single-page application (IPOMEX 4)."""

    name = "ipomex"

    def __init__(self, targets: list[IpomexTarget], cfg: CrawlSettings, sink: Sink,
                 obligations: ObligationCatalogue, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.targets, self.cfg, self.sink, self.obligations = targets, cfg, sink, obligations
        self.assemblies = {t.url: Assembly(new_capture(t)) for t in targets}
        self.timeout_ms = cfg.ipomex_timeout * 1000

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """One entry request per target."""
        for target in self.targets:
            self.assemblies[target.url].outstanding = 1
            if target.source == "ipomex4":
                yield ipomex4.spa_request(target, self.timeout_ms, self.parse_spa, self.entry_failed)
            else:
                yield ipomex3.index_request(target, self.parse_index, self.entry_failed)

    def parse_spa(self, response: Response) -> None:
        """IPOMEX 4: the page method already gathered the API data through the browser."""
        target: IpomexTarget = response.meta["target"]
        assembly = self.assemblies[target.url]
        assembly.capture.browser_pages += 1
        ipomex4.fill_capture(assembly.capture, response.meta["playwright_page_methods"][0].result, target.url)
        self._settle(assembly, -1)

    async def parse_index(self, response: Response) -> None:
        """IPOMEX 3: follow the index's fraction links (never built URLs: real slugs are irregular)."""
        target: IpomexTarget = response.meta["target"]
        page = response.meta["playwright_page"]
        capture = self.assemblies[target.url].capture
        try:
            capture.browser_pages += 1
            if ipomex3.is_captcha(response.text):
                capture.failure, capture.failure_detail = "captcha", "el índice pide resolver un captcha"
                return
            links = list(self._known(ipomex3.index_links(response)))
            if not links:
                capture.failure, capture.failure_detail = "no_fractions", "el índice no enlaza fracciones"
            async for fraction in ipomex3.read_fractions(page, links, self.obligations.articulo, self.timeout_ms):
                self.assemblies[target.url].add(fraction)
                capture.browser_pages += 1
        finally:
            await page.close()
            self._settle(self.assemblies[target.url], -1)

    def _known(self, links: Iterable[tuple[str, str]]) -> Iterable[tuple[str, str]]:
        seen: set[str] = set()
        for label, url in links:
            obligation = self.obligations.by_label(self.obligations.articulo, label)
            if obligation is not None and obligation.id not in seen:
                seen.add(obligation.id)
                yield label, url

    async def entry_failed(self, failure: Failure) -> None:
        """The index or application could not be read at all: every fraction is indeterminado."""
        meta = failure.request.meta  # type: ignore[attr-defined]
        if meta.get("playwright_page") is not None:
            await meta["playwright_page"].close()
        target: IpomexTarget = meta["target"]
        assembly = self.assemblies[target.url]
        assembly.capture.failure, assembly.capture.failure_detail = classify_failure(failure)
        self._settle(assembly, -1)

    def _settle(self, assembly: Assembly, delta: int) -> list[scrapy.Request]:
        assembly.outstanding += delta
        if assembly.outstanding <= 0 and not assembly.done:
            assembly.done = True
            self.sink(assembly.capture)
        return []

    def closed(self, reason: str) -> None:
        """Hand over what is left when the crawl ends early: unfinished captures count as timed out."""
        for assembly in self.assemblies.values():
            if not assembly.done:
                assembly.done = True
                if not assembly.capture.fractions:
                    assembly.capture.failure = assembly.capture.failure or "crawl_incomplete"
                self.sink(assembly.capture)
