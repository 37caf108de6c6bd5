"""Capture in the crawl processes: a Scrapy extension writing every response a spider reads to the run's spool.

Each crawl process appends to its own spool WARC (spool/<run>/captura-<pid>.warc.gz under the archive folder); the
parent ingests the spool into the night file, deduplicated, when the run closes (archive/ingest.py). A spider says
what a response is evidence of with `archive_label(response) -> Label | None` (no method, or None: not evidence, e.g.
robots.txt); pages a spider read without a Scrapy response (rendered in the browser, fetched inside an IPOMEX page)
reach the spool through the CAPTURED signal. Only 2xx answers with a body are evidence: redirects, errors and
failures are already recorded as results and page records. A spool that cannot be written switches capture off for
the process and leaves a marker, so the night's notice can say the evidence is incomplete; the crawl goes on.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.warc import WarcAppender

log = logging.getLogger("vigia.archive")

# Scrapy setting with the absolute spool folder of the run (set by the parent from CrawlSettings.archive_spool).
SPOOL_SETTING = "VIGIA_ARCHIVE_SPOOL"
# Signal sent by a spider for a page read outside Scrapy's downloader: send_catch_log(CAPTURED, label=, body=, ...).
CAPTURED = object()
# WARC headers that say whose evidence a record is (kept in the night file as well).
HEADER_CVE, HEADER_SOURCE, HEADER_KIND = "WARC-Vigia-Clave", "WARC-Vigia-Fuente", "WARC-Vigia-Tipo"
# Headers describing the transfer, not the payload stored (the body is kept decoded and whole).
TRANSFER_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})
BROKEN_MARKER = "incompleto-{pid}.txt"
# Spool folders this process could not write to: every crawler of the process stops capturing there, logged once.
_BROKEN: set[Path] = set()


@dataclass(frozen=True)
class Label:
    """Whose evidence a capture is: municipality (None if shared), source, kind and the URL it was read under."""

    cve_inegi: str | None
    source: str
    kind: str  # pagina | documento | ipomex
    url: str

    def headers(self) -> dict[str, str]:
        """The WARC headers naming municipality, source and kind."""
        return {HEADER_CVE: self.cve_inegi or "", HEADER_SOURCE: self.source, HEADER_KIND: self.kind}


Labeller = Callable[[Any], Label | None]


def spool_file(folder: Path, pid: int | None = None) -> Path:
    """This process's spool WARC in the run's spool folder."""
    return folder / f"captura-{pid or os.getpid()}.warc.gz"


def http_headers(headers: Any) -> list[tuple[str, str]]:
    """Scrapy's response headers as (name, value) text pairs, without the transfer headers."""
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        if bytes(name).lower() in TRANSFER_HEADERS:
            continue
        pairs.extend((bytes(name).decode("latin-1"), bytes(v).decode("latin-1")) for v in values)
    return pairs


class WarcCapture:
    """Scrapy extension: append each labelled 2xx response (and each CAPTURED page) to this process's spool."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.appender: WarcAppender | None = None
        try:
            self.appender = WarcAppender(spool_file(folder))
        except OSError as exc:  # the folder vanished or cannot be created: crawl on without capturing
            self._stop(exc)

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcCapture:
        """Installed only when the run archives evidence (the parent gave a spool folder)."""
        folder = crawler.settings.get(SPOOL_SETTING)
        if not folder:
            raise NotConfigured
        extension = cls(Path(folder))
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.captured, signal=CAPTURED)
        return extension

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        """Keep a response the spider labels as evidence."""
        labeller: Labeller | None = getattr(spider, "archive_label", None)
        if labeller is None or not 200 <= response.status < 300 or not response.body:
            return
        label = labeller(response)
        if label is not None:
            self.write(label, response.status, http_headers(response.headers), response.body)

    def captured(self, label: Label, body: bytes, content_type: str, status: int = 200) -> None:
        """Keep a page read outside Scrapy's downloader (rendered HTML, an API answer)."""
        if body:
            self.write(label, status, [("Content-Type", content_type)], body)

    def write(self, label: Label, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> None:
        """Append one response record; on a write error stop capturing in this process and say so."""
        if self.appender is None or self.folder in _BROKEN:
            return
        try:
            now = datetime.now(UTC)
            self.appender.response(label.url, status, list(headers), body, now, warcinfo=label.headers())
        except OSError as exc:
            self._stop(exc)

    def _stop(self, exc: OSError) -> None:
        if self.folder not in _BROKEN:
            _BROKEN.add(self.folder)
            log.error("evidence capture stopped in process %d: %s", os.getpid(), exc)
            mark_broken(self.folder, str(exc))


def mark_broken(folder: Path, cause: str) -> None:
    """Leave a marker saying this process's captures are incomplete (best effort: the disk may be full)."""
    with contextlib.suppress(OSError):
        (folder / BROKEN_MARKER.format(pid=os.getpid())).write_text(cause[:500], encoding="utf-8")


def send_capture(crawler: Any, label: Label, body: bytes, content_type: str, status: int = 200) -> None:
    """Hand a page read outside the downloader to the capture extension (a no-op when archiving is off)."""
    if crawler is not None:
        crawler.signals.send_catch_log(CAPTURED, label=label, body=body, content_type=content_type, status=status)
