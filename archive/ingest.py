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
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from archive.capture import BROKEN_MARKER, HEADER_CVE, HEADER_KIND, HEADER_SOURCE
from archive.layout import night_file, spool_folder
from archive.retention import thinned_ids
from archive.warc import WarcAppender, Written, hex_from_warc_digest

log = logging.getLogger("vigia.archive")
SPOOL_ROOT = "spool"
# Captures archived and indexed at a time: one query for earlier copies and two bulk inserts per batch.
BATCH = 500


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
    """Where a payload was first archived: its record id (None until this ingest indexes it), URL and date."""

    id: int | None
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
    """What the ingest asks the database: earlier copies of payloads, and to index the records written (ids in
    order)."""

    def copies(self, digests: Collection[str]) -> Mapping[str, Sequence[PriorCopy]]: ...
    def add_all(self, records: Sequence[Archived]) -> list[int]: ...


@dataclass(frozen=True)
class Spooled:
    """One capture in a spool file: its labels, URL, status, payload digest, type, time and where its gzip member is
    (a new payload is copied to the night file as it is, never decompressed and compressed again)."""

    cve_inegi: str | None
    source: str
    kind: str
    url: str
    status: int
    sha256: str
    content_type: str | None
    captured_at: datetime
    path: Path
    offset: int
    length: int

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
            records = ArchiveIterator(handle)
            for record in records:
                item = _spooled(record, path)
                records.read_to_end(record)
                if item is not None:
                    yield replace(item, offset=records.get_record_offset(), length=records.get_record_length())
    except (OSError, EOFError, ValueError, ArchiveLoadFailed) as exc:
        log.warning("spool file %s ends in an unreadable record: %s", path, exc)
        report.incomplete = True


def _spooled(record: ArcWarcRecord, path: Path) -> Spooled | None:
    headers, http = record.rec_headers, record.http_headers
    digest = hex_from_warc_digest(headers.get_header("WARC-Payload-Digest"))
    if record.rec_type != "response" or http is None or digest is None:
        return None
    return Spooled(
        headers.get_header(HEADER_CVE) or None,
        headers.get_header(HEADER_SOURCE) or "",
        headers.get_header(HEADER_KIND) or "pagina",
        headers.get_header("WARC-Target-URI") or "",
        int(http.get_statuscode() or 0),
        digest,
        http.get_header("Content-Type"),
        _moment(headers.get_header("WARC-Date")),
        path,
        0,
        0,
    )


def _spool_files(root: Path, run_id: int) -> list[Path]:
    return sorted((root / spool_folder(run_id)).glob("captura-*.warc.gz"))


def ingest_spool(root: Path, run_id: int, started_at: datetime, index: PayloadIndex) -> IngestReport:
    """Write run_id's spooled captures into its night file, new payloads as responses and known ones as revisits,
    indexing them BATCH at a time; the spool itself is left for the caller to discard once the index is committed."""
    report = IngestReport(incomplete=any((root / spool_folder(run_id)).glob(BROKEN_MARKER.format(pid="*"))))
    thinned = thinned_ids(root)
    relative = night_file(run_id, started_at)
    night = _Night(root / relative, str(relative), run_id, index, report)
    for path in _spool_files(root, run_id):
        batch: list[Spooled] = []
        for item in read_spool(path, report):
            batch.append(item)
            if len(batch) >= BATCH:
                night.add_batch(batch, thinned)
                batch = []
        night.add_batch(batch, thinned)
    return report


class _Night:
    """The night file being written, the payloads first archived in it, and the rows waiting to be indexed."""

    def __init__(self, path: Path, relative: str, run_id: int, index: PayloadIndex, report: IngestReport) -> None:
        self.path, self.relative, self.run_id, self.index, self.report = path, relative, run_id, index, report
        self.appender = WarcAppender(path)
        self.first: dict[str, Copy] = {}

    def add_batch(self, batch: Sequence[Spooled], thinned: Collection[int]) -> None:
        """Archive a batch of captures, then index it: new payloads first, so that revisits can name them."""
        if not batch:
            return
        wanted = {item.sha256 for item in batch} - set(self.first)
        for sha, copies in self.index.copies(wanted).items():
            kept = next((c for c in copies if c.id not in thinned), None)
            if kept is not None:
                self.first[sha] = Copy(kept.id, kept.url, kept.captured_at)
        responses: list[Archived] = []
        revisits: list[tuple[str, Archived]] = []
        for item in batch:
            first = self.first.get(item.sha256)
            if first is None:
                responses.append(self._row(item, "response", self._copy(item), None))
                self.first[item.sha256] = Copy(None, item.url, item.captured_at)
            else:
                written = self.appender.revisit(
                    item.url, item.sha256, first.url, first.captured_at, item.captured_at, warcinfo=item.warcinfo()
                )
                revisits.append((item.sha256, self._row(item, "revisit", written, first.id)))
        self._index(responses, revisits)

    def _index(self, responses: list[Archived], revisits: list[tuple[str, Archived]]) -> None:
        for row, id_ in zip(responses, self.index.add_all(responses), strict=True):
            self.first[row.sha256] = Copy(id_, row.url, row.captured_at)
        self.index.add_all([replace(row, refers_to=row.refers_to or self.first[sha].id) for sha, row in revisits])
        self.report.responses += len(responses)
        self.report.revisits += len(revisits)
        self.report.records += len(responses) + len(revisits)
        self.report.bytes_written += sum(r.length for r in responses) + sum(r.length for _, r in revisits)

    def _copy(self, item: Spooled) -> Written:
        """Append the capture's gzip member to the night file as it is (it already declares its digests)."""
        with item.path.open("rb") as source:
            source.seek(item.offset)
            member = source.read(item.length)
        with self.path.open("ab") as target:
            offset = target.tell()
            target.write(member)
        return Written(offset, len(member))

    def _row(self, item: Spooled, record_type: str, written: Written, refers_to: int | None) -> Archived:
        return Archived(
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
