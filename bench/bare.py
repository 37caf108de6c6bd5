"""The baseline: a minimal Scrapy spider with Vigía's politeness settings and no checks, in its own process."""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.settings import CrawlSettings


@dataclass
class BareResult:
    """Wall and CPU seconds, responses received and peak RSS of the bare crawl process."""

    seconds: float
    cpu_seconds: float
    responses: int
    max_rss_bytes: int


class BareSpider(scrapy.Spider):
    """Follow same-site links to the depth and page bounds Vigía uses; look at nothing else."""

    name = "bare"

    def __init__(self, urls: list[str], max_depth: int, max_pages: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls, self.max_depth, self.max_pages = urls, max_depth, max_pages
        self.counts: dict[str, int] = {}
        self.seen: set[str] = set()
        self.links = LinkExtractor()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """One home request per site; each site gets its own download slot (all sites share 127.0.0.1)."""
        for url in self.urls:
            slot = urlsplit(url).netloc
            self.counts[slot] = 1
            yield scrapy.Request(url, meta={"download_slot": slot, "level": 0}, dont_filter=True)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """Queue the page's same-site links until the site's page budget is spent."""
        level, slot = response.meta["level"], response.meta["download_slot"]
        if not isinstance(response, TextResponse) or level >= self.max_depth:
            return
        for link in self.links.extract_links(response):
            if urlsplit(link.url).netloc != slot or link.url in self.seen:
                continue
            if self.counts[slot] >= self.max_pages:
                return
            self.seen.add(link.url)
            self.counts[slot] += 1
            yield scrapy.Request(link.url, meta={"download_slot": slot, "level": level + 1})


def bare_settings(cfg: CrawlSettings, sites: int) -> dict[str, Any]:
    """Scrapy's defaults plus the politeness Vigía promises: robots, per-site concurrency, timeouts, retries."""
    return {
        "ROBOTSTXT_OBEY": cfg.obey_robots,
        "CONCURRENT_REQUESTS_PER_DOMAIN": cfg.per_site_concurrency,
        "CONCURRENT_REQUESTS": cfg.per_site_concurrency * min(sites, cfg.sites_in_parallel),
        "DOWNLOAD_TIMEOUT": cfg.timeout,
        "RETRY_TIMES": cfg.retries,
        "REDIRECT_MAX_TIMES": cfg.max_redirects,
        "DOWNLOAD_MAXSIZE": cfg.max_page_bytes,
        "USER_AGENT": cfg.user_agent,
        "LOG_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    }


def _bare_main(urls: list[str], cfg: CrawlSettings, channel: Any) -> None:
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess({**bare_settings(cfg, len(urls)), "LOG_INSTALL_ROOT_HANDLER": False})
    crawler = process.create_crawler(BareSpider)
    started = time.perf_counter()
    process.crawl(crawler, urls=urls, max_depth=cfg.max_depth, max_pages=cfg.max_pages)
    process.start()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stats: Any = crawler.stats
    channel.put(
        BareResult(
            time.perf_counter() - started,
            usage.ru_utime + usage.ru_stime,
            int(stats.get_value("response_received_count", 0)),
            usage.ru_maxrss * 1024,
        )
    )


def run_bare(urls: list[str], cfg: CrawlSettings) -> BareResult:
    """Crawl urls with the bare spider in a fresh spawned process (a reactor runs once per process)."""
    ctx = multiprocessing.get_context("spawn")
    channel: Any = ctx.Queue()
    process = ctx.Process(target=_bare_main, args=(urls, cfg, channel), daemon=True)
    started = time.perf_counter()
    process.start()
    try:
        result: BareResult = channel.get(timeout=3600)
    finally:
        process.join(timeout=30)
    # Timed from the caller, like Vigía's run: process start-up counts on both sides.
    result.seconds = time.perf_counter() - started
    return result
