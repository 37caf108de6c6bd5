"""The IPOMEX spider: every municipality's transparency pages, through scrapy-playwright and the system Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.capture import Label, send_capture
from checks.ipomex_carry import CarryRule
from checks.ipomex_model import IpomexCapture
from checks.obligations import ObligationCatalogue
from crawler.budgets import ipomex_portal_budget
from crawler.failures import classify_failure
from crawler.settings import CrawlSettings
from crawler.ssrf import SsrfPolicy
from spiders.ipomex.base import OUT_OF_TIME, OUT_OF_TIME_DETAIL, Budget, IpomexTarget, Sink, SourceAdapter, new_capture
from spiders.ipomex.ipomex3 import Ipomex3Adapter
from spiders.ipomex.ipomex4 import Ipomex4Adapter
from spiders.ipomex.legado import IpomexLegadoAdapter
from spiders.ipomex.polite import PoliteHost


class IpomexSpider(scrapy.Spider):
    """One entry request per municipality, handed to the adapter of its portal generation."""

    name = "ipomex"

    def __init__(
        self,
        targets: list[IpomexTarget],
        cfg: CrawlSettings,
        sink: Sink,
        obligations: ObligationCatalogue,
        run_date: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.targets, self.sink = targets, sink
        timeout_ms = cfg.ipomex_timeout * 1000
        rule = CarryRule(obligations.grace_days, run_date, cfg.ipomex_reread_days)
        # The one gate to the state's IPOMEX server for the whole pass: every page's every request goes through it.
        self.host = PoliteHost(cfg.ipomex_concurrency, timeout_ms)
        # The portals' own origins (the simulated IPOMEX is on 127.0.0.1) and nothing else internal.
        self.ssrf_policy = SsrfPolicy.for_urls([t.url for t in targets], cfg.allow_private_networks)
        guard = None if cfg.allow_private_networks else self.ssrf_policy.allows_async
        adapters: list[SourceAdapter] = [
            Ipomex3Adapter(obligations, timeout_ms),
            Ipomex4Adapter(timeout_ms, rule, obligations, cfg.ipomex_concurrency),
            IpomexLegadoAdapter(obligations, timeout_ms, self.host, guard),
        ]
        for adapter in adapters:
            adapter.keep = self._keep
        self.adapters = {adapter.source: adapter for adapter in adapters}
        self.pending: dict[str, IpomexCapture] = {t.url: new_capture(t) for t in targets}
        budget = ipomex_portal_budget(cfg)
        self.budgets = {t.url: Budget(budget) for t in targets}
        self.timeout_ms = timeout_ms

    def archive_label(self, response: Response) -> Label | None:
        """A portal's entry page (index or application, as rendered) is evidence of its municipality's IPOMEX."""
        target: IpomexTarget | None = response.meta.get("target")
        return Label(target.cve_inegi, target.source, "ipomex", response.url) if target else None

    def _keep(self, capture: IpomexCapture, url: str, body: bytes, content_type: str) -> None:
        label = Label(capture.cve_inegi, capture.source, "ipomex", url)
        send_capture(getattr(self, "crawler", None), label, body, content_type)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """One entry request per target; its budget starts when its browser page opens."""
        for target in self.targets:
            request = self.adapters[target.source].entry_request(target, self.budgets[target.url])
            meta = {**request.meta, "playwright_page_init_callback": self._page_opened}
            yield request.replace(callback=self.parse_entry, errback=self.entry_failed, meta=meta)

    async def _page_opened(self, page: Any, request: scrapy.Request) -> None:
        """Start the portal's budget, route the page through the host's gate and keep its first navigation within
        the budget."""
        budget = self.budgets[request.meta["target"].url]
        budget.start()
        await self.host.attach(page, budget, request.meta.get("ipomex_tap"))
        request.meta["playwright_page_goto_kwargs"] = {"timeout": budget.cap_ms(self.timeout_ms)}

    async def parse_entry(self, response: Response) -> None:
        """Let the target's adapter read its pages, then hand the capture over."""
        target: IpomexTarget = response.meta["target"]
        try:
            await self.adapters[target.source].read(response, self.pending[target.url], self.budgets[target.url])
        finally:
            self._deliver(target.url)

    async def entry_failed(self, failure: Failure) -> None:
        """The index or application could not be read at all: every fraction is indeterminado."""
        meta = failure.request.meta  # type: ignore[attr-defined]
        if meta.get("playwright_page") is not None:
            await meta["playwright_page"].close()
        target: IpomexTarget = meta["target"]
        capture = self.pending[target.url]
        capture.failure, capture.failure_detail = classify_failure(failure)
        if capture.failure == "timeout" and self.budgets[target.url].spent():
            capture.failure, capture.failure_detail = OUT_OF_TIME, OUT_OF_TIME_DETAIL
        self._deliver(target.url)

    def _deliver(self, url: str) -> None:
        capture = self.pending.pop(url, None)
        if capture is not None:
            self.sink(capture)

    def closed(self, reason: str) -> None:
        """Hand over what is left when the crawl ends early: unread captures say they were interrupted."""
        for url in list(self.pending):
            capture = self.pending[url]
            if not capture.fractions:
                capture.failure = capture.failure or "interrupted"
            self._deliver(url)
