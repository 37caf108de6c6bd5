"""The municipal site spider: one instance per site, bounded, polite, streaming pages into the check engine."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from archive.capture import Label, send_capture
from checks.catalogue import Catalogue, load_catalogue
from checks.documents import looks_like_document_link
from checks.engine import PageAnalysis, SiteEvaluator
from checks.identity import Fetched
from checks.model import CrawlOutcome, PageRecord, SiteReport
from config.paths import data_dir
from crawler.browser import BrowserPool
from crawler.dnscache import FILE_NAME
from crawler.failures import DETAILS, classify_failure
from crawler.probes import site_prober
from crawler.robots import ROBOTS_META, RobotsPolicy
from crawler.scope import site_key, strip_session
from crawler.settings import DOCUMENT_EXTENSIONS, CrawlSettings
from crawler.ssrf import SsrfPolicy
from crawler.tls import verify_tls
from spiders.sitio.documents import DOCUMENT, DocumentReader
from spiders.sitio.probes import EndpointProber
from spiders.sitio.target import DeferredSite, SiteTarget
from spiders.sitio.watch import IdentityWatch

MAX_DOCUMENTS = 500
MAX_HTML_REDIRECTS = 3


def is_document(url: str) -> bool:
    """Tell whether url points at a document or media file by its extension."""
    path = urlsplit(url).path.lower()
    return "." in path.rsplit("/", 1)[-1] and path.rsplit(".", 1)[-1] in DOCUMENT_EXTENSIONS


def looks_like_html(response: Response) -> bool:
    """Tell whether a response carries an HTML page (servers often omit or mislabel Content-Type)."""
    if isinstance(response, HtmlResponse):
        return True
    return isinstance(response, TextResponse) and b"<html" in response.body[:4096].lower()


class MunicipalSiteSpider(scrapy.Spider):
    """Crawl one municipal site from its home page, same registrable domain, depth and page bounded."""

    name = "municipal"

    def __init__(
        self,
        target: SiteTarget,
        cfg: CrawlSettings,
        run_date: date,
        sink: Callable[[SiteReport | DeferredSite], None],
        catalogue: Catalogue | None = None,
        browser: BrowserPool | None = None,
        defer_js: bool = False,
        watch: IdentityWatch | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not target.url:
            raise ValueError("a spider needs a URL; targets without one are resolved by the runner")
        self.target, self.cfg, self.sink, self.browser = target, cfg, sink, browser
        self.watch = watch
        # Without a browser of its own, a JavaScript shell hands the whole site over to the render pass.
        self.defer_js = defer_js and browser is None
        self.deferred: str | None = None
        self.rendered: list[str] = []
        # The working-channel probes (DNS of mail domains, GET of profiles) run when the checks conclude.
        self.channels = site_prober(cfg, data_dir() / FILE_NAME)
        self.evaluator = SiteEvaluator(
            catalogue or load_catalogue(), run_date, target.nombre, self.channels, cfg.static_copy
        )
        self.key = site_key(target.url)
        self.robots = RobotsPolicy.ignore()
        self.seen: set[str] = {canonicalize_url(target.url)}
        self.pages: list[PageRecord] = []
        self.documents: list[str] = []
        self.scheduled = 1
        self.html_redirects = 0
        self.pages_ok = self.pages_failed = 0
        self.home_url: str | None = None
        self.failure: tuple[str, str] | None = None
        self.https: tuple[bool | None, str | None] = (None, None)
        self.started = time.monotonic()
        self.checks_cpu = 0.0
        # Read by crawler.ssrf.SsrfMiddleware: a crawl started on an internal address may stay on that origin.
        self.ssrf_policy = SsrfPolicy.for_urls([target.url], cfg.allow_private_networks)
        self.answered: set[str] = set()
        self.server_answered = False
        self.reader = DocumentReader(self)
        self.endpoints = EndpointProber(self)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> MunicipalSiteSpider:
        """Also listen for response headers, to tell a server that stalls mid-body from one that is down."""
        spider: MunicipalSiteSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    def idle(self) -> None:
        """Once every page is read, probe the endpoints the checks named (safe methods only) before closing."""
        requests = self.endpoints.next_requests()
        if not requests:
            return
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def headers_received(self, headers: Any, body_length: int, request: scrapy.Request, **kwargs: Any) -> None:
        """Remember that this URL's server answered, whatever happens to the body afterwards."""
        self.answered.add(request.url)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Read robots.txt first (when obeyed), then the home page."""
        assert self.target.url
        if not self.cfg.obey_robots:
            yield self._home_request()
            return
        yield scrapy.Request(
            urljoin(self.target.url, "/robots.txt"),
            callback=self.parse_robots,
            errback=self.robots_failed,
            dont_filter=True,
            meta=dict(ROBOTS_META),
        )

    def _home_request(self) -> scrapy.Request:
        assert self.target.url
        return scrapy.Request(
            self.target.url, callback=self.parse_home, errback=self.on_error, dont_filter=True, meta={"vigia_depth": 0}
        )

    def parse_robots(self, response: Response) -> Iterable[scrapy.Request]:
        """Apply robots.txt and request the home page if it is allowed."""
        body = response.text if isinstance(response, TextResponse) else ""
        self.robots = RobotsPolicy.from_response(response.status, body)
        return self._home_if_allowed()

    def robots_failed(self, failure: Failure) -> Iterable[scrapy.Request]:
        """An unreachable robots.txt: the home request will tell whether the whole site is down."""
        reason, _ = classify_failure(failure)
        if reason in ("dns", "connect"):
            return [self._home_request()]
        self.robots = RobotsPolicy.unavailable()
        return self._home_if_allowed()

    def _home_if_allowed(self) -> list[scrapy.Request]:
        assert self.target.url
        if self.robots.allows(self.target.url, self.cfg.user_agent):
            return [self._home_request()]
        reason = self.robots.reason or "robots_disallowed"
        self.failure = (reason, DETAILS[reason])
        if reason == "robots_unavailable":
            # A server erring on robots.txt may be down altogether: one visit to the home page, like any
            # visitor's, tells availability; its content is not read, as RFC 9309 asks.
            return [
                scrapy.Request(
                    self.target.url,
                    callback=self.availability_only,
                    errback=self.on_error,
                    dont_filter=True,
                    meta={"vigia_depth": 0},
                )
            ]
        return []

    def availability_only(self, response: Response) -> None:
        """The home answered while robots.txt did not: keep the robots reason, record the page unread."""
        self._record(response, 0, kind="robots_unavailable")

    async def parse_home(self, response: Response) -> AsyncIterator[scrapy.Request]:
        """Read the home page: identity, TLS facts, then follow its links."""
        if not looks_like_html(response):
            self.failure = ("not_html", DETAILS["not_html"])
            self._record(response, 0, kind="not_html")
            return
        if self._identity_lost(response):
            return
        self.home_url = response.url
        self.key = site_key(response.url) or self.key
        if response.url.startswith("https://"):
            self.https = await self._verify_tls(response.url)
        for request in await self._analyse(response, 0):
            yield request

    def _identity_lost(self, response: Response) -> bool:
        """A confirmed site whose home no longer proves to be the municipality's: record why and read no further."""
        if self.watch is None or not isinstance(response, TextResponse):
            return False
        chain = tuple(response.meta.get("redirect_urls", ()))
        assert self.target.url
        fetched = Fetched(self.target.url, response.url, response.status, response.text, chain)
        self.failure = self.watch.failure(self.target.cve_inegi, fetched)
        if self.failure is None:
            return False
        self._record(response, 0, kind=self.failure[0])
        return True

    async def parse_page(self, response: Response) -> AsyncIterator[scrapy.Request]:
        """Read an inner page of the site and follow its links."""
        depth = int(response.meta["vigia_depth"])
        if not looks_like_html(response) or site_key(response.url) != self.key:
            # Off-site redirects and non-HTML answers are not the municipality's pages; a PDF may be a document.
            self._record(response, depth, kind="skipped")
            await self.reader.read_page_answer(response)
            return
        for request in await self._analyse(response, depth):
            yield request

    async def _add_page(self, response: TextResponse, depth: int) -> tuple[PageAnalysis, bool]:
        """Feed the page to the engine; a JavaScript shell is rendered in the browser first, when one is at hand."""
        can_render = self.browser is not None or self.defer_js
        analysis = self._evaluate(response.url, lambda: response.text, depth, defer_js=can_render)
        if analysis.kind != "js_shell" or not can_render:
            return analysis, False
        if self.browser is None:
            self.deferred = response.url
            raise CloseSpider("needs_browser")
        guard = None if self.cfg.allow_private_networks else self.ssrf_policy.allows_async
        rendered = await self.browser.render(response.url, guard)
        if rendered is None:
            return self._evaluate(response.url, lambda: response.text, depth), False
        self.rendered.append(response.url)
        # What was read is the rendered page: archive it beside the shell the server sent.
        label = Label(self.target.cve_inegi, "sitio", "pagina", response.url)
        send_capture(getattr(self, "crawler", None), label, rendered.encode("utf-8"), "text/html; charset=utf-8")
        return self._evaluate(response.url, lambda: rendered, depth), True

    def archive_label(self, response: Response) -> Label | None:
        """What a response is evidence of (archive/capture.py): a page of the site or a document it linked; robots.txt
        and anything else is not evidence."""
        meta = response.meta
        if DOCUMENT in meta:
            return Label(self.target.cve_inegi, "sitio", "documento", meta[DOCUMENT].url)
        if "vigia_depth" in meta:
            return Label(self.target.cve_inegi, "sitio", "pagina", response.url)
        return None

    def _evaluate(self, url: str, text: Callable[[], str], depth: int, defer_js: bool = False) -> PageAnalysis:
        """Decode and check one page, adding its CPU time (this thread only) to the site's checks time."""
        started = time.thread_time()
        analysis = self.evaluator.add_page(url, text(), depth, defer_js=defer_js)
        self.checks_cpu += time.thread_time() - started
        return analysis

    async def _analyse(self, response: Response, depth: int) -> list[scrapy.Request]:
        assert isinstance(response, TextResponse)
        analysis, rendered = await self._add_page(response, depth)
        self._record(response, depth, kind=analysis.kind, rendered=rendered)
        self.pages_ok += 1
        self._add_documents(analysis.documents)
        documents = self.reader.requests(analysis.candidates)
        if depth == 0 and analysis.kind == "redirect" and analysis.refresh:
            return self._follow_html_redirect(analysis.refresh)
        if depth == 0 and analysis.kind != "ok":
            return documents
        # A frame is part of the page showing it: read even at the depth limit (never as depth 0, the home's).
        documents += list(self._follow(analysis.frames, max(depth, 1)))
        if depth >= self.cfg.max_depth:
            return documents
        return documents + list(self._follow(analysis.links, depth + 1))

    def _follow_html_redirect(self, target: str) -> list[scrapy.Request]:
        """A home that only redirects (meta refresh, frameset, script) is replaced by its target, a few times."""
        if self.html_redirects >= MAX_HTML_REDIRECTS:
            return []
        self.html_redirects += 1
        self.pages_ok -= 1  # the redirecting shell is not a page of content
        return [
            scrapy.Request(
                target, callback=self.parse_home, errback=self.on_error, dont_filter=True, meta={"vigia_depth": 0}
            )
        ]

    def _follow(self, links: Iterable[str], depth: int) -> Iterable[scrapy.Request]:
        for link in links:
            if self.scheduled >= self.cfg.max_pages:
                return
            if is_document(link) or looks_like_document_link(link):
                # Documents are never crawled as pages; the ones worth reading come as candidates (DocumentReader).
                self._add_documents([link])
                continue
            # Session ids in URLs make every visit look new: drop them so a session trap cannot eat the budget.
            link = strip_session(link)
            canonical = canonicalize_url(link)
            if canonical in self.seen or site_key(link) != self.key:
                continue
            self.seen.add(canonical)
            if not self.robots.allows(link, self.cfg.user_agent):
                continue
            self.scheduled += 1
            yield scrapy.Request(link, callback=self.parse_page, errback=self.on_error, meta={"vigia_depth": depth})

    def _add_documents(self, documents: Iterable[str]) -> None:
        for url in documents:
            if len(self.documents) < MAX_DOCUMENTS and url not in self.documents:
                self.documents.append(url)

    def on_error(self, failure: Failure) -> None:
        """Record a failed request; a failed home page decides the site's availability."""
        request = failure.request  # type: ignore[attr-defined]
        depth = int(request.meta.get("vigia_depth", 0))
        reason, detail = classify_failure(failure)
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        self.pages.append(PageRecord(request.url, None, status, None, depth, error=reason))
        if depth == 0:
            self.failure = (reason, detail)
            self.server_answered = self.server_answered or (reason == "timeout" and request.url in self.answered)
        elif status in (404, 410):
            self.evaluator.page_missing(request.url)  # a broken internal link (sitio.enlaces_rotos)
        elif not (status is not None and 400 <= status < 500):
            # A 404 behind a broken link is a definitive answer; only server and network errors blind us.
            self.pages_failed += 1

    def _record(self, response: Response, depth: int, kind: str, rendered: bool = False) -> None:
        digest = hashlib.sha256(response.body).hexdigest()
        request_url = response.request.url if response.request is not None else response.url
        self.pages.append(
            PageRecord(request_url, response.url, response.status, digest, depth, kind=kind, rendered=rendered)
        )

    async def _verify_tls(self, url: str) -> tuple[bool | None, str | None]:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port or 443
        return await asyncio.to_thread(verify_tls, host, port, self.cfg.timeout, self.cfg.ca_bundle)

    async def closed(self, reason: str) -> None:
        """Evaluate every check once the crawl is over and hand the report (or the deferral) to the sink."""
        if self.deferred is not None:
            self.sink(DeferredSite(self.target, self.deferred))
            return
        # The channel probes wait on DNS and profile GETs (up to VIGIA_PROBE_SECONDS): evaluating in a worker thread
        # keeps this process's other sites crawling meanwhile. Scrapy awaits this coroutine before the crawl ends.
        report = await asyncio.to_thread(self.build_report, reason != "finished", reason == "closespider_timeout")
        self.sink(report)

    def build_report(self, truncated: bool, out_of_time: bool = False) -> SiteReport:
        """Assemble the outcome and the check results of this site."""
        assert self.target.url
        start_http = self.target.url.startswith("http://")
        failure = None
        if not self.home_url:
            unread = "sitio_sin_tiempo" if out_of_time else "crawl_incomplete"
            failure = self.failure or (unread, DETAILS[unread])
        outcome = CrawlOutcome(
            start_url=self.target.url,
            home_url=self.home_url,
            failure=failure[0] if failure else None,
            failure_detail=failure[1] if failure else None,
            pages_ok=self.pages_ok,
            pages_failed=self.pages_failed,
            truncated=truncated,
            https_valid=self.https[0],
            https_error=self.https[1],
            http_redirects_to_https=(
                bool(self.home_url and self.home_url.startswith("https://")) if start_http and self.home_url else None
            ),
            server_answered=self.server_answered,
        )
        started = time.thread_time()
        results = self.evaluator.finish(outcome)
        self.checks_cpu += time.thread_time() - started
        return SiteReport(
            self.target.cve_inegi,
            self.target.url,
            outcome,
            self.pages,
            self.documents,
            results,
            round(time.monotonic() - self.started, 3),
            self.rendered,
            checks_cpu=self.checks_cpu,
            documents_read=list(self.evaluator.documents_read),
            document_misses=list(self.evaluator.document_misses),
            document_cost=self.reader.summary(),
            probe_cost=probe_cost(self.endpoints.summary(), self.channels.cost()),
        )


def probe_cost(forms: dict[str, float], channels: dict[str, float]) -> dict[str, float]:
    """The site's probe cost: the form-endpoint and channel probes together, and each apart (the bench shows both)."""
    total = {key: round(forms.get(key, 0.0) + channels.get(key, 0.0), 3) for key in ("requests", "seconds")}
    return {**total, **{f"canales_{key}": value for key, value in channels.items()}}
