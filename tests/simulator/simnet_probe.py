"""A tiny crawl through the simulated internet's seam, run in its own process (Scrapy's reactor starts once):
`python -m tests.simulator.simnet_probe URL...` prints one JSON line per URL: final URL and status, or the failure
reason as the crawler classifies it."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from twisted.python.failure import Failure

from crawler.failures import classify_failure
from crawler.settings import CrawlSettings, scrapy_settings


class ProbeSpider(scrapy.Spider):
    """Fetch each start URL once (redirects followed) and print what came back."""

    name = "simnet_probe"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """One request per URL, each remembering where it started."""
        for url in self.urls:
            yield scrapy.Request(url, self.ok, errback=self.bad, dont_filter=True, meta={"start": url})

    def ok(self, response: scrapy.http.Response) -> None:
        """Print the final URL and status."""
        body = response.text if isinstance(response, scrapy.http.TextResponse) else ""
        line = {"start": response.meta["start"], "url": response.url, "status": response.status, "body": body[:400]}
        print(json.dumps(line), flush=True)

    def bad(self, failure: Failure) -> None:
        """Print the failure reason."""
        request = failure.request  # type: ignore[attr-defined]
        print(json.dumps({"start": request.meta["start"], "failure": classify_failure(failure)[0]}), flush=True)


def main(urls: list[str]) -> int:
    """Crawl urls with the project's crawl settings (VIGIA_* from the environment)."""
    settings = scrapy_settings(CrawlSettings.from_env())
    process = CrawlerProcess(settings)
    process.crawl(ProbeSpider, urls=urls)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
