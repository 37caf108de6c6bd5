"""Ingest a run's spool into its night file, deduplicated across nights by SHA-256.

Every spooled capture becomes one record of the night file (archive.layout.night_file): a `response` when its
payload is new, a `revisit` (WARC-Refers-To the first copy) when the payload is already archived, by an earlier
run or earlier in this one. The database side is given as a PayloadIndex (storage/evidence.py implements it over
archive_records); archive never imports storage. A payload whose first copy was thinned by the retention policy
is archived again as a response, so no revisit ever points at a payload that is gone.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.capture import BROKEN_MARKER, HEADER_CVE, HEADER_KIND, HEADER_SOURCE
from archive.layout import night_file, spool_folder
from archive.retention import thinned_ids
from archive.warc import WarcAppender, Written, sha256_hex

log = logging.getLogger("vigia.archive")
SPOOL_ROOT = "spool"


class PriorCopy(Protocol):
    """An archived record holding a payload (a response row)."""

    @property
    def id(self) -> int: ...
    @property
    def url(self) -> str: ...
    @property
    def captured_at(self) -> datetime: ...


@dataclass(frozen=True)
class Copy:
    """A payload archived earlier in this ingest."""

    id: int
    url: str
    captured_at: datetime


@dataclass(frozen=True)
class Archived:
    """One record written to a night file, as archive_records stores it."""

    run_id: int
    cve_inegi: str | None
    source: str
    kind: str
    record_type: str
    url: str
    sha256: str
    warc_file: str
    offset: int
    length: int
    content_type: str | None
    http_status: int | None
    captured_at: datetime
    refers_to: int | None


class PayloadIndex(Protocol):
    """What the ingest asks the database: earlier copies of payloads, and to index each record written."""

    def copies(self, digests: Collection[str]) -> Mapping[str, Sequence[PriorCopy]]: ...
    def add(self, record: Archived) -> int: ...


@dataclass(frozen=True)
class Spooled:
    """One capture read back from a spool file."""

    cve_inegi: str | None
    source: str
    kind: str
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    captured_at: datetime

    @property
    def sha256(self) -> str:
        """The payload's content address."""
        return sha256_hex(self.body)

    @property
    def content_type(self) -> str | None:
        """The Content-Type it was served with."""
        return next((v for k, v in self.headers if k.lower() == "content-type"), None)

    def warcinfo(self) -> dict[str, str]:
        """The WARC headers naming municipality, source and kind."""
        return {HEADER_CVE: self.cve_inegi or "", HEADER_SOURCE: self.source, HEADER_KIND: self.kind}


@dataclass
class IngestReport:
    """What one ingest wrote: records, new payloads, revisits, bytes added; incomplete when a process's capture
    stopped or a spool file ended in a cut record."""

    records: int = 0
    responses: int = 0
    revisits: int = 0
    bytes_written: int = 0
    incomplete: bool = False


def spooled_runs(root: Path) -> list[int]:
    """Runs whose spool is still waiting to be ingested."""
    folder = root / SPOOL_ROOT
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit())


def discard_spool(root: Path, run_id: int) -> None:
    """Remove an ingested run's spool."""
    shutil.rmtree(root / spool_folder(run_id), ignore_errors=True)


def _moment(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def read_spool(path: Path, report: IngestReport) -> Iterator[Spooled]:
    """The captures of one spool file; a cut last record (a crash, a full disk) marks the report incomplete."""
    try:
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                headers = record.rec_headers
                yield Spooled(
                    headers.get_header(HEADER_CVE) or None,
                    headers.get_header(HEADER_SOURCE) or "",
                    headers.get_header(HEADER_KIND) or "pagina",
                    headers.get_header("WARC-Target-URI") or "",
                    int(record.http_headers.get_statuscode() or 0),
                    list(record.http_headers.headers),
                    record.content_stream().read(),
                    _moment(headers.get_header("WARC-Date")),
                )
    except (OSError, EOFError, ValueError, ArchiveLoadFailed) as exc:
        log.warning("spool file %s ends in an unreadable record: %s", path, exc)
        report.incomplete = True


def _spool_files(root: Path, run_id: int) -> list[Path]:
    return sorted((root / spool_folder(run_id)).glob("captura-*.warc.gz"))


def ingest_spool(root: Path, run_id: int, started_at: datetime, index: PayloadIndex) -> IngestReport:
    """Write run_id's spooled captures into its night file, new payloads as responses and known ones as revisits,
    indexing each record; the spool itself is left for the caller to discard once the index is committed."""
    report = IngestReport(incomplete=any((root / spool_folder(run_id)).glob(BROKEN_MARKER.format(pid="*"))))
    files = _spool_files(root, run_id)
    digests = {item.sha256 for path in files for item in read_spool(path, IngestReport())}
    if not digests:
        return report
    thinned = thinned_ids(root)
    known = {sha: [c for c in copies if c.id not in thinned] for sha, copies in index.copies(digests).items()}
    relative = night_file(run_id, started_at)
    night = _Night(WarcAppender(root / relative), str(relative), run_id, index, report)
    for path in files:
        for item in read_spool(path, report):
            night.add(item, next(iter(known.get(item.sha256, ())), None))
    return report


class _Night:
    """The night file being written and the payloads first archived in it."""

    def __init__(self, appender: WarcAppender, relative: str, run_id: int, index: PayloadIndex, report: IngestReport):
        self.appender, self.relative, self.run_id, self.index, self.report = appender, relative, run_id, index, report
        self.first: dict[str, Copy] = {}

    def add(self, item: Spooled, prior: PriorCopy | None) -> None:
        """Write item as a revisit of its first copy, or as a response when its payload is new."""
        sha = item.sha256
        first = self.first.get(sha) or prior
        if first is not None:
            written = self.appender.revisit(
                item.url, sha, first.url, first.captured_at, item.captured_at, warcinfo=item.warcinfo()
            )
            self._index(item, "revisit", written, first.id)
            self.report.revisits += 1
        else:
            written = self.appender.response(
                item.url, item.status, item.headers, item.body, item.captured_at, warcinfo=item.warcinfo()
            )
            self.first[sha] = Copy(self._index(item, "response", written, None), item.url, item.captured_at)
            self.report.responses += 1
        self.report.records += 1
        self.report.bytes_written += written.length

    def _index(self, item: Spooled, record_type: str, written: Written, refers_to: int | None) -> int:
        archived = Archived(
            self.run_id,
            item.cve_inegi,
            item.source,
            item.kind,
            record_type,
            item.url,
            item.sha256,
            self.relative,
            written.offset,
            written.length,
            (item.content_type or "")[:150] or None,
            item.status,
            item.captured_at,
            refers_to,
        )
        return self.index.add(archived)
