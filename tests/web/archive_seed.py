"""Builders for archive tests: runs whose evidence pages are archived in WARC files and recorded in archive_records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive.layout import night_file, screenshots_file
from archive.warc import WarcAppender, sha256_hex
from checks.catalogue import load_catalogue
from checks.model import CheckResult, Evidence
from storage.db import Database
from storage.evidence_models import ArchiveRecordRow
from storage.repository import finish_run, record_site, start_run
from storage.work import unit_of_work
from tests.storage.factories import municipality, report

CVE = "15001"
HOME = f"https://{CVE}.example.gob.mx/"
CAPTURED = datetime(2026, 11, 3, 8, 15, tzinfo=UTC)
# The smallest valid PNG: a 1×1 transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass(frozen=True)
class Seeded:
    """Two complete runs of one municipality: the first archived its home page, the second revisited it."""

    folder: Path
    runs: tuple[int, int]
    response_id: int
    revisit_id: int
    screenshot_id: int
    warc: Path


def complete_run(db: Database, evidence_url: str = HOME) -> int:
    """A complete run of Acambay whose «canal.telefono» cumple rests on evidence_url."""
    town = municipality(CVE, "Acambay", 60_000)
    run = start_run(db, "crawl", [town], {})
    site = report(CVE, {"sitio.disponible": "cumple"})
    site.results.append(CheckResult("canal.telefono", "cumple", evidence=Evidence(evidence_url, "Tel. 712 000")))
    record_site(db, run, site)
    finish_run(db, run, "complete", catalogue=load_catalogue())
    return run


def add_row(db: Database, **values: object) -> int:
    """Insert one archive_records row; return its id."""
    defaults: dict[str, object] = {
        "cve_inegi": CVE,
        "source": "sitio",
        "kind": "pagina",
        "http_status": 200,
        "content_type": "text/html; charset=utf-8",
        "captured_at": CAPTURED,
    }
    with unit_of_work(db, "archivar") as session:
        row = ArchiveRecordRow(**{**defaults, **values})
        session.add(row)
        session.flush()
        return row.id


def archive_page(db: Database, folder: Path, run_id: int, url: str, body: bytes) -> tuple[int, Path]:
    """Write a response record of body for url in the run's night file and record it; return (row id, file)."""
    relative = night_file(run_id, CAPTURED)
    written = WarcAppender(folder / relative).response(
        url, 200, [("Content-Type", "text/html; charset=utf-8")], body, CAPTURED
    )
    row = add_row(
        db,
        run_id=run_id,
        record_type="response",
        url=url,
        sha256=sha256_hex(body),
        warc_file=relative.as_posix(),
        offset=written.offset,
        length=written.length,
    )
    return row, folder / relative


def seed(db: Database, folder: Path, body: bytes) -> Seeded:
    """Two runs: the first archives the home page, the second revisits it and screenshots it."""
    first, second = complete_run(db), complete_run(db)
    response_id, warc = archive_page(db, folder, first, HOME, body)
    relative = night_file(second, CAPTURED)
    written = WarcAppender(folder / relative).revisit(HOME, sha256_hex(body), HOME, CAPTURED, CAPTURED)
    revisit_id = add_row(
        db,
        run_id=second,
        record_type="revisit",
        url=HOME,
        sha256=sha256_hex(body),
        warc_file=relative.as_posix(),
        offset=written.offset,
        length=written.length,
        refers_to=response_id,
    )
    shots = screenshots_file(second, CAPTURED)
    shot = WarcAppender(folder / shots).resource(HOME, "image/png", PNG, CAPTURED)
    screenshot_id = add_row(
        db,
        run_id=second,
        kind="captura",
        record_type="resource",
        url=HOME,
        sha256=sha256_hex(PNG),
        warc_file=shots.as_posix(),
        offset=shot.offset,
        length=shot.length,
        content_type="image/png",
        http_status=None,
    )
    return Seeded(folder, (first, second), response_id, revisit_id, screenshot_id, warc)
