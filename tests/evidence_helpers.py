"""Archive records for evidence tests: real WARC records written with archive.warc and their archive_records rows
(the crawl's capture is not needed), and small ways to tamper with them."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from archive.layout import night_file
from archive.warc import WarcAppender, sha256_hex
from checks.catalogue import load_catalogue
from storage.db import Database
from storage.evidence_models import ArchiveRecordRow
from storage.models import RunRow
from storage.repository import finish_run, record_site, start_run
from tests.storage.factories import municipality, report

CAPTURED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
TOWNS = [municipality("15106", "Toluca"), municipality("15054", "Metepec")]


def archive_page(db: Database, root: Path, run_id: int, cve: str | None, url: str, body: bytes) -> int:
    """Write a page of a run into its night file: a response for a new payload, a revisit of the first record with
    the same payload otherwise; return the archive_records id."""
    sha = sha256_hex(body)
    with db.Session.begin() as session:
        started = session.scalars(select(RunRow.started_at).where(RunRow.id == run_id)).one()
        first = session.scalars(
            select(ArchiveRecordRow).where(ArchiveRecordRow.sha256 == sha).order_by(ArchiveRecordRow.id).limit(1)
        ).first()
        name = night_file(run_id, started)
        appender = WarcAppender(root / name)
        if first is None:
            written = appender.response(url, 200, [("Content-Type", "text/html")], body, CAPTURED)
        else:
            written = appender.revisit(url, sha, first.url, first.captured_at, CAPTURED)
        row = ArchiveRecordRow(
            run_id=run_id,
            cve_inegi=cve,
            source="sitio",
            kind="pagina",
            record_type="response" if first is None else "revisit",
            url=url,
            sha256=sha,
            warc_file=name.as_posix(),
            offset=written.offset,
            length=written.length,
            content_type="text/html",
            http_status=200 if first is None else None,
            captured_at=CAPTURED,
            refers_to=None if first is None else first.id,
        )
        session.add(row)
        session.flush()
        return row.id


def night(db: Database, root: Path, pages: dict[str, bytes], status: str = "complete") -> int:
    """A run over TOWNS: results for each, and each town's home page archived (pages: cve → body)."""
    run_id = start_run(db, "crawl", TOWNS, {})
    for town in TOWNS:
        cve = town.cve_inegi
        record_site(db, run_id, report(cve, {"sitio.https": "cumple", "canal.telefono": "no_cumple"}))
        archive_page(db, root, run_id, cve, f"https://{cve}.example.gob.mx/", pages[cve])
    finish_run(db, run_id, status, catalogue=load_catalogue())
    return run_id


def record(db: Database, record_id: int) -> ArchiveRecordRow:
    """One archive_records row."""
    with db.Session() as session:
        row = session.get(ArchiveRecordRow, record_id)
        assert row is not None
        session.expunge(row)
        return row


def flip_byte(root: Path, row: ArchiveRecordRow) -> None:
    """Change one byte in the middle of a record's gzip member, as stored on disk."""
    path = root / row.warc_file
    data = bytearray(path.read_bytes())
    data[row.offset + row.length // 2] ^= 0x01
    path.write_bytes(bytes(data))


def rewrite_payload(root: Path, row: ArchiveRecordRow, old: bytes, new: bytes) -> None:
    """Replace text in a record's payload and write the member back well-formed (the record must be the file's
    last): the record reads fine, only its content differs."""
    path = root / row.warc_file
    data = path.read_bytes()
    assert len(data) == row.offset + row.length, "the record to rewrite must be the last of its file"
    member = gzip.decompress(data[row.offset :])
    assert member.count(old) == 1
    path.write_bytes(data[: row.offset] + gzip.compress(member.replace(old, new)))
