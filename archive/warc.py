"""Write and read WARC records (ISO 28500) with warcio: responses, revisits of unchanged payloads, screenshots.

Each record carries the payload's SHA-256 (`WARC-Payload-Digest: sha256:<base32>`), the content address Vigía stores
in hex (archive_records.sha256) and deduplicates by; every record is its own gzip member, so a record can be read
back from its byte offset alone.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

# Standard profile URI of a revisit whose payload is identical to an earlier record's (WARC 1.1, 6.7.2).
# Every record is its own gzip member, so its offset must point at a gzip header.
GZIP_MAGIC = b"\x1f\x8b"
IDENTICAL_PAYLOAD = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"


class ArchiveReadError(Exception):
    """A WARC record could not be read back from its file and offset."""


@dataclass(frozen=True)
class Written:
    """Where a record landed: byte offset of its gzip member and its compressed length."""

    offset: int
    length: int


@dataclass(frozen=True)
class StoredRecord:
    """A record read back: its type, target URL, payload (empty for a revisit) and the digests it declares."""

    record_type: str
    url: str
    payload: bytes
    declared_sha256: str | None
    http_status: int | None
    content_type: str | None
    captured_at: str | None


class _Sha256Writer(WARCWriter):  # type: ignore[misc]
    """warcio's writer with SHA-256 block and payload digests (its default is SHA-1)."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def sha256_hex(payload: bytes) -> str:
    """Hex SHA-256 of a payload (the content address)."""
    return hashlib.sha256(payload).hexdigest()


def warc_digest(hex_digest: str) -> str:
    """`sha256:<base32>` as WARC writes a digest."""
    return "sha256:" + base64.b32encode(bytes.fromhex(hex_digest)).decode("ascii")


def hex_from_warc_digest(value: str | None) -> str | None:
    """The hex SHA-256 of a `sha256:<base32>` (or `sha256:<hex>`) WARC digest; None for another algorithm."""
    if not value or not value.lower().startswith("sha256:"):
        return None
    body = value.split(":", 1)[1]
    if len(body) == 64:
        return body.lower()
    return base64.b32decode(body.upper()).hex()


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "-"


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcAppender:
    """Appends gzip-per-record WARC records to one file, returning where each landed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def _write(self, record: object) -> Written:
        with self.path.open("ab") as handle:
            offset = handle.tell()
            _Sha256Writer(handle, gzip=True).write_record(record)
            return Written(offset, handle.tell() - offset)

    def response(
        self,
        url: str,
        status: int,
        headers: Sequence[tuple[str, str]],
        body: bytes,
        captured_at: datetime,
        *,
        warcinfo: dict[str, str] | None = None,
    ) -> Written:
        """A response record with the full HTTP payload, declaring its SHA-256."""
        writer = _Sha256Writer(io.BytesIO(), gzip=True)
        http = StatusAndHeaders(f"{status} {_phrase(status)}", list(headers), protocol="HTTP/1.1")
        extra = {"WARC-Date": _warc_date(captured_at)}
        extra.update(warcinfo or {})
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=extra
        )
        return self._write(record)

    def revisit(
        self,
        url: str,
        sha256: str,
        refers_to_url: str,
        refers_to_date: datetime,
        captured_at: datetime,
        *,
        warcinfo: dict[str, str] | None = None,
    ) -> Written:
        """A revisit record: the same payload as an earlier record, not copied again."""
        writer = _Sha256Writer(io.BytesIO(), gzip=True)
        headers = {
            **(warcinfo or {}),
            "WARC-Date": _warc_date(captured_at),
            "WARC-Payload-Digest": warc_digest(sha256),
            "WARC-Profile": IDENTICAL_PAYLOAD,
            "WARC-Refers-To-Target-URI": refers_to_url,
            "WARC-Refers-To-Date": _warc_date(refers_to_date),
        }
        record = writer.create_warc_record(url, "revisit", payload=io.BytesIO(b""), warc_headers_dict=headers)
        return self._write(record)

    def resource(self, url: str, content_type: str, body: bytes, captured_at: datetime) -> Written:
        """A resource record (a screenshot): content without HTTP headers."""
        writer = _Sha256Writer(io.BytesIO(), gzip=True)
        headers = {"WARC-Date": _warc_date(captured_at)}
        record = writer.create_warc_record(
            url, "resource", payload=io.BytesIO(body), warc_content_type=content_type, warc_headers_dict=headers
        )
        return self._write(record)


def read_record(path: Path, offset: int) -> StoredRecord:
    """The record whose gzip member starts at offset; ArchiveReadError when the file or record is unreadable."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            # warcio skips padding before a record: without this check a hole left by retention (or any wrong
            # offset) would silently yield the NEXT record instead of failing.
            if handle.read(2) != GZIP_MAGIC:
                raise ValueError("no empieza ningún registro en esa posición")
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)))
            payload = record.content_stream().read()
    # warcio raises assorted errors (TypeError, IndexError…) on corrupt bytes: any of them means unreadable here.
    except Exception as exc:
        raise ArchiveReadError(f"{path}@{offset}: {exc}") from exc
    headers = record.rec_headers
    http = record.http_headers
    return StoredRecord(
        record_type=record.rec_type,
        url=headers.get_header("WARC-Target-URI") or "",
        payload=payload,
        declared_sha256=hex_from_warc_digest(headers.get_header("WARC-Payload-Digest")),
        http_status=int(http.get_statuscode()) if http is not None and http.get_statuscode() else None,
        content_type=(http.get_header("Content-Type") if http is not None else headers.get_header("Content-Type")),
        captured_at=headers.get_header("WARC-Date"),
    )
