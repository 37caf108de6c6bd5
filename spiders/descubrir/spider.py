"""The discovery spider: for each probe, robots.txt then the home page of each of its URLs until one answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from checks.identity import Fetched
from crawler.failures import classify_failure
from crawler.robots import ROBOTS_META, RobotsPolicy
from crawler.settings import CrawlSettings

# Reasons after which the next URL of a probe (http after https) is worth a try: nothing answered on this one.
NOTHING_ANSWERED = frozenset({"dns", "connect", "timeout", "tls", "data_loss"})
MAX_LINKS = 2000


@dataclass(frozen=True)
class Probe:
    """One candidate to fetch: its URLs in order of preference (https, then http)."""

    key: str
    urls: tuple[str, ...]


@dataclass(frozen=True)
class Seen:
    """What one probe showed: the fetch as the identity proof reads it, and the page's links with their labels."""

    key: str
    fetched: Fetched
    links: tuple[tuple[str, str], ...] = ()


def page_links(response: TextResponse) -> tuple[tuple[str, str], ...]:
    """(absolute URL, label) of every http(s) link; the label joins anchor text, title and the enclosing item."""
    found: list[tuple[str, str]] = []
    for anchor in response.xpath("//a[@href]")[:MAX_LINKS]:
        href = (anchor.attrib.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        url = urljoin(response.url, href)
        if not url.startswith(("http://", "https://")):
            continue
        own = " ".join(anchor.xpath(".//text() | @title | .//img/@alt").getall())
        item = " ".join(anchor.xpath("ancestor::*[self::li or self::tr or self::p][1]//text()").getall())
        found.append((url, " ".join(f"{own} {item}".split())[:300]))
    return tuple(found)


class DiscoverySpider(scrapy.Spider):
    """Fetch the home page behind each probe, obeying robots.txt, and hand what was seen to the sink."""

    name = "descubrir"
    # The batch has no site budget: each request has its download timeout.
    custom_settings: dict[str, Any] | None = {"CLOSESPIDER_TIMEOUT": 0}  # noqa: RUF012

    def __init__(self, probes: Sequence[Probe], cfg: CrawlSettings, sink: Callable[[Seen], None], **kw: Any) -> None:
        super().__init__(**kw)
        self.probes, self.cfg, self.sink = list(probes), cfg, sink

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """One chain per probe, starting with its first URL."""
        for probe in self.probes:
            yield self._first(probe, 0)

    def _first(self, probe: Probe, index: int) -> scrapy.Request:
        url = probe.urls[index]
        meta = {"probe": probe, "index": index, **ROBOTS_META}
        if not self.cfg.obey_robots:
            return self._home(probe, index)
        return scrapy.Request(
            urljoin(url, "/robots.txt"), self.on_robots, errback=self.on_robots_error, meta=meta, dont_filter=True
        )

    def _home(self, probe: Probe, index: int) -> scrapy.Request:
        meta = {"probe": probe, "index": index}
        return scrapy.Request(probe.urls[index], self.on_home, errback=self.on_error, meta=meta, dont_filter=True)

    def on_robots(self, response: Response) -> Iterable[scrapy.Request]:
        """Fetch the home page when robots.txt allows it; a refusal is what was seen."""
        probe, index = response.meta["probe"], response.meta["index"]
        body = response.text if isinstance(response, TextResponse) else ""
        policy = RobotsPolicy.from_response(response.status, body)
        if policy.allows(probe.urls[index], self.cfg.user_agent):
            return [self._home(probe, index)]
        self._failed(probe, index, policy.reason or "robots_disallowed")
        return []

    def on_robots_error(self, failure: Failure) -> Iterable[scrapy.Request]:
        """An unreachable robots.txt: the home request tells whether anything answers on this URL."""
        meta = failure.request.meta  # type: ignore[attr-defined]
        return [self._home(meta["probe"], meta["index"])]

    def on_home(self, response: Response) -> None:
        """Record the home page with its redirect chain and links."""
        probe: Probe = response.meta["probe"]
        text = isinstance(response, TextResponse)
        links = page_links(response) if isinstance(response, TextResponse) else ()
        chain = tuple(response.meta.get("redirect_urls", ()))
        fetched = Fetched(
            requested_url=probe.urls[0],
            final_url=response.url,
            status=response.status,
            html=response.text if text else "",
            redirects=chain,
        )
        self.sink(Seen(probe.key, fetched, links))

    def on_error(self, failure: Failure) -> Iterable[scrapy.Request]:
        """Try the probe's next URL when nothing answered; otherwise record why the page could not be read."""
        meta = failure.request.meta  # type: ignore[attr-defined]
        probe, index = meta["probe"], meta["index"]
        reason, _ = classify_failure(failure)
        if reason in NOTHING_ANSWERED and index + 1 < len(probe.urls):
            return [self._first(probe, index + 1)]
        self._failed(probe, index, reason)
        return []

    def _failed(self, probe: Probe, index: int, reason: str) -> None:
        fetched = Fetched(requested_url=probe.urls[0], final_url="", status=None, html="", failure=reason)
        self.sink(Seen(probe.key, fetched))
