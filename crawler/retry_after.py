"""Honour Retry-After on 429 and 503 answers, which Scrapy's RetryMiddleware retries at once.

A server asking for more than the configured cap is not waited for: the request gives up with reason rate_limited
(indeterminado), because a crawl that sleeps for an hour on one portal would starve the other 124.
"""

from __future__ import annotations

import asyncio
import time
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

STATUSES = frozenset({429, 503})


class RateLimited(IgnoreRequest):
    """The server asked to come back later than Vigía may wait (or kept asking); reason rate_limited."""


def retry_after_seconds(value: str | bytes | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or HTTP date), None when absent or invalid."""
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware:
    """Wait what Retry-After asks (up to VIGIA_RETRY_AFTER_MAX seconds) before retrying; beyond it, give up."""

    def __init__(self, crawler: Any, cap: float) -> None:
        self.crawler, self.cap = crawler, cap

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        """Disabled when retries are off or the cap is not positive."""
        settings = crawler.settings
        cap = settings.getfloat("VIGIA_RETRY_AFTER_MAX", 60.0)
        if not settings.getbool("RETRY_ENABLED") or cap <= 0:
            raise NotConfigured
        return cls(crawler, cap)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        """Wait and retry a 429/503 carrying Retry-After; give up as rate_limited when it asks too much."""
        if response.status not in STATUSES or request.meta.get("dont_retry"):
            return response
        delay = retry_after_seconds(response.headers.get(b"Retry-After"))
        if delay is None:
            return response  # plain RetryMiddleware behaviour
        if delay > self.cap:
            raise RateLimited(f"Retry-After de {delay:.0f} s excede el máximo de {self.cap:.0f} s")
        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"retry_after_{response.status}")
        if retry is None:
            if response.status == 429:
                raise RateLimited(f"el servidor siguió respondiendo 429 después de {delay:.0f} s de espera")
            return response
        await asyncio.sleep(delay)
        return retry
