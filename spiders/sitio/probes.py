"""Safe-method probes of the endpoints the checks name (contact-form actions), once a site's pages are read.

Only HEAD, OPTIONS and GET are ever sent (checks.probes.SAFE_METHODS): a probe never submits a form. An address is
asked with HEAD first and with the next method only when the answer is not a definitive one. Each site has a budget
of requests and seconds (VIGIA_FORM_PROBE_REQUESTS, VIGIA_FORM_PROBE_SECONDS); an address the budget did not reach is answered
«sitio_sin_tiempo», which the checks read as not probed, never as broken. robots.txt is obeyed for the site's own
addresses, and every probe passes the same SSRF gate as the crawl.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from checks.probes import SAFE_METHODS, ProbeAnswer
from crawler.failures import classify_failure
from crawler.scope import site_key

if TYPE_CHECKING:
    from spiders.sitio.spider import MunicipalSiteSpider

PROBE = "vigia_probe"
OUT_OF_BUDGET = "sitio_sin_tiempo"


class EndpointProber:
    """Sends one site's probes in the spider's idle time and hands each final answer to the evaluator."""

    def __init__(self, spider: MunicipalSiteSpider) -> None:
        self.spider, self.cfg = spider, spider.cfg
        self.sent = 0
        self.deadline: float | None = None
        self.asked: set[str] = set()
        self.seconds = 0.0

    def next_requests(self) -> list[scrapy.Request]:
        """First probes of the addresses not asked yet (none before the home page was read)."""
        if self.spider.home_url is None or self.cfg.static_copy:
            return []  # a static copy has no live endpoints to ask (the checks say copia_estatica)
        if self.deadline is None:
            self.deadline = time.monotonic() + self.cfg.form_probe_seconds
        requests = []
        for url in self.spider.evaluator.probe_urls():
            if url in self.asked:
                continue
            self.asked.add(url)
            request = self._request(url, 0)
            if request is not None:
                requests.append(request)
        return requests

    def _request(self, url: str, attempt: int) -> scrapy.Request | None:
        """A probe of url with the attempt-th safe method, or None (answered now) when it may not be sent."""
        remaining = (self.deadline or 0.0) - time.monotonic()
        if self.sent >= self.cfg.form_probe_requests or remaining <= 0:
            self._answer(url, ProbeAnswer(None, OUT_OF_BUDGET))
            return None
        if site_key(url) == self.spider.key and not self.spider.robots.allows(url, self.cfg.user_agent):
            self._answer(url, ProbeAnswer(None, "robots_disallowed"))
            return None
        self.sent += 1
        method = SAFE_METHODS[attempt]
        meta = {PROBE: (url, attempt, time.monotonic()), "handle_httpstatus_all": True, "dont_retry": True}
        meta["download_timeout"] = max(1.0, min(self.cfg.timeout, remaining))
        return scrapy.Request(
            url, method=method, callback=self.answered, errback=self.failed, dont_filter=True, meta=meta
        )

    def answered(self, response: Response) -> list[scrapy.Request]:
        """A response: final when it proves the endpoint exists or no safe method is left, else try the next."""
        url, attempt, started = response.meta[PROBE]
        self.seconds += time.monotonic() - started
        answer = ProbeAnswer(response.status, None, SAFE_METHODS[attempt])
        if answer.exists or attempt + 1 >= len(SAFE_METHODS):
            self._answer(url, answer)
            return []
        following = self._request(url, attempt + 1)
        if following is None:
            return []
        return [following]

    def failed(self, failure: Failure) -> None:
        """No answer (timeout, refused, blocked): the probe proves nothing."""
        request = failure.request  # type: ignore[attr-defined]
        url, attempt, started = request.meta[PROBE]
        self.seconds += time.monotonic() - started
        reason, _ = classify_failure(failure)
        self._answer(url, ProbeAnswer(None, reason, SAFE_METHODS[attempt]))

    def _answer(self, url: str, answer: ProbeAnswer) -> None:
        self.spider.evaluator.probed(url, answer)

    def summary(self) -> dict[str, float]:
        """What probing this site cost: requests sent and seconds waited for answers."""
        return {"requests": float(self.sent), "seconds": round(self.seconds, 3)}
