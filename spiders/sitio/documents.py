"""Linked documents of one site crawl: download the few PDFs whose links name a checked topic and read them.

Documents sit outside the page budget and never make a crawl incomplete: a failure is recorded as a near miss on
the evaluator (SiteEvaluator.document_misses), nothing else. Documents on other domains may be fetched (only the
document, never crawled further); their own robots.txt is read first, and the SSRF gate applies to every request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from checks.doclinks import DocumentLink
from checks.documents import DocumentText, Unreadable, read_pdf
from crawler.failures import classify_failure
from crawler.robots import RobotsPolicy

if TYPE_CHECKING:
    from spiders.sitio.spider import MunicipalSiteSpider

log = logging.getLogger("vigia.crawler")
DOCUMENT = "vigia_document"


@dataclass
class DocumentStats:
    """What reading documents cost one site: documents read and failed, bytes downloaded, seconds waited."""

    read: int = 0
    failed: int = 0
    bytes: int = 0
    seconds: float = 0.0  # summed download latency
    robots: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class DocumentReader:
    """Requests, robots and reading of one spider's candidate documents, within max_documents."""

    def __init__(self, spider: MunicipalSiteSpider) -> None:
        self.spider, self.cfg = spider, spider.cfg
        self.requested: set[str] = set()
        self.robots: dict[str, RobotsPolicy] = {}
        self.waiting: dict[str, list[DocumentLink]] = {}
        self.stats = DocumentStats()

    def requests(self, candidates: Iterable[DocumentLink]) -> list[scrapy.Request]:
        """Requests for the new candidates the budget still allows (a foreign origin's robots.txt first)."""
        out: list[scrapy.Request] = []
        for candidate in candidates:
            if len(self.requested) >= self.cfg.max_documents or candidate.url in self.requested:
                continue
            self.requested.add(candidate.url)
            out.extend(self._request_or_robots(candidate))
        return out

    def _request_or_robots(self, candidate: DocumentLink) -> list[scrapy.Request]:
        if not self.cfg.obey_robots:
            return [self._request(candidate)]
        key = _origin(candidate.url)
        if key == _origin(self.spider.home_url or self.spider.target.url or ""):
            return self._if_allowed(candidate, self.spider.robots)
        if key in self.robots:
            return self._if_allowed(candidate, self.robots[key])
        first = key not in self.waiting
        self.waiting.setdefault(key, []).append(candidate)
        if not first:
            return []
        self.stats.robots += 1
        return [
            scrapy.Request(
                f"{key}/robots.txt",
                callback=self.parse_robots,
                errback=self.robots_failed,
                dont_filter=True,
                meta={"handle_httpstatus_all": True, "vigia_origin": key},
            )
        ]

    def _if_allowed(self, candidate: DocumentLink, robots: RobotsPolicy) -> list[scrapy.Request]:
        if robots.allows(candidate.url, self.cfg.user_agent):
            return [self._request(candidate)]
        self._miss(candidate, robots.reason or "robots_disallowed", "robots.txt no permite descargar el documento")
        return []

    def _request(self, candidate: DocumentLink) -> scrapy.Request:
        return scrapy.Request(
            candidate.url,
            callback=self.parse_document,
            errback=self.document_failed,
            dont_filter=True,
            meta={DOCUMENT: candidate, "download_maxsize": self.cfg.max_document_bytes},
        )

    def parse_robots(self, response: Response) -> list[scrapy.Request]:
        """A foreign origin's robots.txt: release the documents waiting for it."""
        body = response.text if isinstance(response, TextResponse) else ""
        return self._release(response.meta["vigia_origin"], RobotsPolicy.from_response(response.status, body))

    def robots_failed(self, failure: Failure) -> list[scrapy.Request]:
        """An unreachable robots.txt forbids its origin's documents (RFC 9309), as for the site itself."""
        return self._release(failure.request.meta["vigia_origin"], RobotsPolicy.unavailable())  # type: ignore[attr-defined]

    def _release(self, key: str, robots: RobotsPolicy) -> list[scrapy.Request]:
        self.robots[key] = robots
        return [r for c in self.waiting.pop(key, []) for r in self._if_allowed(c, robots)]

    async def parse_document(self, response: Response) -> None:
        """Read a downloaded document and hand its text, or why it is unreadable, to the evaluator."""
        candidate: DocumentLink = response.meta[DOCUMENT]
        self._count(response)
        await self.read(candidate, response.body)

    async def read_page_answer(self, response: Response) -> None:
        """A followed link that answered with a PDF is read as a document when a link matching a check led there."""
        candidate = self.spider.evaluator.document_link(_request_url(response))
        is_pdf = b"%PDF-" in response.body[:1024] or "pdf" in _content_type(response)
        if candidate is None or not is_pdf or len(self.requested) >= self.cfg.max_documents:
            return
        if candidate.url in self.requested:
            return
        self.requested.add(candidate.url)
        await self.read(candidate, response.body)

    async def read(self, candidate: DocumentLink, body: bytes) -> None:
        """Read body (off the reactor thread) and feed the evaluator."""
        document, cpu = await asyncio.to_thread(_timed_read, body, self.cfg.document_pages, self.cfg.max_document_bytes)
        self.spider.checks_cpu += cpu
        if isinstance(document, DocumentText):
            self.stats.read += 1
            found = self.spider.evaluator.add_document(candidate.url, document, candidate.linked_from, candidate.text)
            log.debug("document %s read (%d pages): evidence for %s", candidate.url, len(document.pages), found)
            return
        self._miss(candidate, document.reason, document.detail)

    def document_failed(self, failure: Failure) -> None:
        """A document that could not be downloaded: a near miss, never a failed page."""
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = classify_failure(failure)
        response = getattr(failure.value, "response", None)
        if response is not None:
            self._count(response)
        self._miss(request.meta[DOCUMENT], reason, detail)

    def _miss(self, candidate: DocumentLink, reason: str, detail: str) -> None:
        self.stats.failed += 1
        self.stats.reasons[reason] = self.stats.reasons.get(reason, 0) + 1
        self.spider.evaluator.document_unreadable(
            candidate.url, reason, candidate.linked_from, candidate.text, detail=detail
        )

    def _count(self, response: Response) -> None:
        self.stats.bytes += len(response.body)
        # Scrapy's own measure of the download (queueing behind the site's pages is not a cost of documents).
        self.stats.seconds += float(response.meta.get("download_latency") or 0.0)

    def summary(self) -> dict[str, float]:
        """What reading documents cost this site (SiteReport.document_cost)."""
        stats = self.stats
        return {"read": stats.read, "failed": stats.failed, "bytes": stats.bytes, "seconds": round(stats.seconds, 3)}


def _timed_read(body: bytes, pages: int, max_bytes: int) -> tuple[DocumentText | Unreadable, float]:
    """read_pdf and the CPU seconds it took on the thread that ran it."""
    started = time.thread_time()
    document = read_pdf(body, pages, max_bytes)
    return document, time.thread_time() - started


def _origin(url: str) -> str:
    """scheme://host[:port] of url (default port left out), the unit robots.txt applies to."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return url
    host = f"[{host}]" if ":" in host else host
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _request_url(response: Response) -> str:
    return response.request.url if response.request is not None else response.url


def _content_type(response: Response) -> str:
    return bytes(response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
