"""The site spider evaluates its checks (and waits for the channel probes) off the thread that runs the crawl."""

from __future__ import annotations

import asyncio
import threading
from datetime import date
from typing import Any

from crawler.settings import CrawlSettings
from spiders.sitio.spider import MunicipalSiteSpider, probe_cost
from spiders.sitio.target import SiteTarget


def test_checks_are_evaluated_off_the_crawl_thread_and_the_report_reaches_the_sink() -> None:
    delivered: list[Any] = []
    spider = MunicipalSiteSpider(
        SiteTarget(None, None, "http://127.0.0.1:9/"), CrawlSettings(), date(2026, 12, 6), delivered.append
    )
    threads: list[str] = []

    def build_report(truncated: bool, out_of_time: bool = False) -> Any:
        threads.append(threading.current_thread().name)
        return f"informe truncated={truncated} out_of_time={out_of_time}"

    spider.build_report = build_report  # type: ignore[method-assign]
    asyncio.run(spider.closed("closespider_timeout"))
    assert threads and threads[0] != threading.current_thread().name
    assert delivered == ["informe truncated=True out_of_time=True"]


def test_probe_cost_adds_both_kinds_and_keeps_the_channels_apart() -> None:
    cost = probe_cost({"requests": 3.0, "seconds": 1.5}, {"requests": 2.0, "seconds": 0.25})
    assert cost == {"requests": 5.0, "seconds": 1.75, "canales_requests": 2.0, "canales_seconds": 0.25}
