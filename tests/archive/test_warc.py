"""WARC records round-trip with their SHA-256 payload digest, and a changed byte is detected."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.warc import ArchiveReadError, WarcAppender, read_record, sha256_hex

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
BODY = "<html><title>Ayuntamiento</title>teléfono 722 000 0000</html>".encode()


def test_response_revisit_and_resource_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    warc = WarcAppender(path)
    first = warc.response("https://x.gob.mx/", 200, [("Content-Type", "text/html")], BODY, NOW)
    again = warc.revisit("https://x.gob.mx/", sha256_hex(BODY), "https://x.gob.mx/", NOW, NOW)
    shot = warc.resource("urn:vigia:captura:https://x.gob.mx/", "image/png", b"\x89PNG\r\n", NOW)
    response = read_record(path, first.offset)
    assert (response.record_type, response.payload, response.http_status) == ("response", BODY, 200)
    assert response.declared_sha256 == sha256_hex(BODY)
    revisit = read_record(path, again.offset)
    assert (revisit.record_type, revisit.payload, revisit.declared_sha256) == ("revisit", b"", sha256_hex(BODY))
    assert read_record(path, shot.offset).content_type == "image/png"
    assert again.offset == first.offset + first.length


def test_a_changed_payload_no_longer_matches_its_declared_digest(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    written = WarcAppender(path).response("https://x.gob.mx/", 200, [], BODY, NOW)
    raw = gzip.decompress(path.read_bytes()).replace(b"722", b"723")
    path.write_bytes(gzip.compress(raw))
    record = read_record(path, written.offset)
    assert record.declared_sha256 != sha256_hex(record.payload)


def test_an_unreadable_offset_is_an_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    WarcAppender(path).response("https://x.gob.mx/", 200, [], BODY, NOW)
    with pytest.raises(ArchiveReadError):
        read_record(path, 7)
    with pytest.raises(ArchiveReadError):
        read_record(tmp_path / "absent.warc.gz", 0)


def test_an_offset_inside_a_hole_is_an_error_not_the_next_record(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    warc = WarcAppender(path)
    first = warc.response("https://x.gob.mx/a", 200, [], BODY, NOW)
    warc.response("https://x.gob.mx/b", 200, [], BODY + b"!", NOW)
    data = bytearray(path.read_bytes())
    data[first.offset : first.offset + first.length] = bytes(first.length)  # a thinned record: a hole of zeros
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveReadError):
        read_record(path, first.offset)
