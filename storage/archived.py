"""Which archived copy stands behind a verdict, and where its payload lives: reads of archive_records for the dashboard.

The archived copy of a verdict's evidence is the archive_records row of the same run, municipality and URL; a
revisit row holds no payload and points (refers_to) at the record that does. Screenshots are rows of kind `captura`.
Reading the WARC file itself is web/'s job (storage does not import archive/).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from storage.db import Database
from storage.evidence_models import ArchiveRecordRow
from storage.models import MunicipalityRow, RunRow, SiteOutcomeRow
from storage.work import unit_of_work

# The kinds of record that are copies of a page or document (not screenshots).
COPY_KINDS = ("pagina", "documento", "ipomex")
SCREENSHOT_KIND = "captura"


@dataclass(frozen=True)
class ArchiveLinks:
    """Per URL, the record id of a run's archived copy and of its screenshot for one municipality."""

    copies: dict[str, int]
    screenshots: dict[str, int]
    home_url: str | None = None

    def home_screenshot(self) -> int | None:
        """The screenshot of the site's home page, when one was taken."""
        return self.screenshots.get(self.home_url) if self.home_url else None


NO_LINKS = ArchiveLinks({}, {})


@dataclass(frozen=True)
class ArchivedRecord:
    """One archive record as the dashboard shows it, and where its payload is (the referred record for a revisit)."""

    id: int
    run_id: int
    run_started_at: datetime
    cve_inegi: str | None
    municipality: str | None
    source: str
    kind: str
    record_type: str
    url: str
    sha256: str
    content_type: str | None
    http_status: int | None
    captured_at: datetime
    # Where the payload lives: this record's own file and offset, or its referred record's for a revisit.
    payload_file: str | None
    payload_offset: int | None
    payload_record_id: int | None


def archive_links(session: Session, run_id: int, cve: str) -> ArchiveLinks:
    """A run's archived copies and screenshots of one municipality by URL (the newest record per URL)."""
    a = ArchiveRecordRow
    query = select(a.id, a.url, a.kind).where(a.run_id == run_id, a.cve_inegi == cve).order_by(a.id)
    copies: dict[str, int] = {}
    shots: dict[str, int] = {}
    for record_id, url, kind in session.execute(query):
        (shots if kind == SCREENSHOT_KIND else copies)[url] = record_id
    home = home_url(session, run_id, cve)
    if home and home not in shots and (earlier := latest_screenshot(session, cve, home, run_id)) is not None:
        # An unchanged home page is not photographed again (capture_targets): its last screenshot still shows it.
        shots[home] = earlier
    return ArchiveLinks(copies, shots, home)


def latest_screenshot(session: Session, cve: str, url: str, up_to_run: int) -> int | None:
    """The newest screenshot of a municipality's page taken in the given run or an earlier one."""
    a = ArchiveRecordRow
    query = select(a.id).where(a.cve_inegi == cve, a.url == url, a.kind == SCREENSHOT_KIND, a.run_id <= up_to_run)
    return session.execute(query.order_by(a.run_id.desc(), a.id.desc()).limit(1)).scalar_one_or_none()


def screenshots_of(session: Session, cve: str, run_ids: set[int]) -> dict[tuple[int, str], int]:
    """A municipality's screenshots in the given runs, by (run, URL)."""
    a = ArchiveRecordRow
    if not run_ids:
        return {}
    query = select(a.run_id, a.url, a.id).where(
        a.cve_inegi == cve, a.kind == SCREENSHOT_KIND, a.run_id.in_(sorted(run_ids))
    )
    return {(run_id, url): record_id for run_id, url, record_id in session.execute(query.order_by(a.id))}


def home_url(session: Session, run_id: int, cve: str) -> str | None:
    """The home page the run read for a municipality (after redirects), else the URL it started from."""
    s = SiteOutcomeRow
    row = session.execute(
        select(s.home_url, s.start_url).where(s.run_id == run_id, s.cve_inegi == cve).order_by(s.id.desc())
    ).first()
    return (row.home_url or row.start_url) if row else None


def archived_record(db: Database, record_id: int) -> ArchivedRecord | None:
    """One archive record with its run, municipality and payload location; None when there is no such record."""
    a, target = ArchiveRecordRow, aliased(ArchiveRecordRow)
    query = (
        select(a, RunRow.started_at, MunicipalityRow.nombre, target.id, target.warc_file, target.offset)
        .join(RunRow, RunRow.id == a.run_id)
        .outerjoin(MunicipalityRow, MunicipalityRow.cve_inegi == a.cve_inegi)
        .outerjoin(target, target.id == a.refers_to)
        .where(a.id == record_id)
    )
    with unit_of_work(db, "leer un registro del archivo de evidencia", read_only=True) as session:
        row = session.execute(query).first()
        return _record(*row) if row else None


def _record(
    row: ArchiveRecordRow,
    started_at: datetime,
    name: str | None,
    target_id: int | None,
    target_file: str | None,
    target_offset: int | None,
) -> ArchivedRecord:
    revisit = row.record_type == "revisit"
    return ArchivedRecord(
        id=row.id,
        run_id=row.run_id,
        run_started_at=started_at,
        cve_inegi=row.cve_inegi,
        municipality=name,
        source=row.source,
        kind=row.kind,
        record_type=row.record_type,
        url=row.url,
        sha256=row.sha256,
        content_type=row.content_type,
        http_status=row.http_status,
        captured_at=row.captured_at,
        payload_file=target_file if revisit else row.warc_file,
        payload_offset=target_offset if revisit else row.offset,
        payload_record_id=target_id if revisit else row.id,
    )


@dataclass(frozen=True)
class NewScreenshot:
    """A screenshot written to the archive, to record as an archive_records row."""

    cve_inegi: str
    url: str
    sha256: str
    warc_file: str
    offset: int
    length: int
    captured_at: datetime
    # An identical earlier screenshot (same SHA-256): this one is a revisit of it, its payload not copied again.
    refers_to: int | None = None


@dataclass(frozen=True)
class EarlierScreenshot:
    """A screenshot already archived with a given digest: the record holding the payload, its URL and time."""

    id: int
    url: str
    captured_at: datetime


def earlier_screenshots(db: Database, digests: Sequence[str]) -> dict[str, EarlierScreenshot]:
    """Per SHA-256, the first archived screenshot (a resource record) with that payload."""
    a = ArchiveRecordRow
    query = (
        select(a.sha256, a.id, a.url, a.captured_at)
        .where(a.kind == SCREENSHOT_KIND, a.record_type == "resource", a.sha256.in_(sorted(set(digests))))
        .order_by(a.id.desc())
    )
    with unit_of_work(db, "buscar capturas anteriores", read_only=True) as session:
        return {sha: EarlierScreenshot(i, url, at) for sha, i, url, at in session.execute(query)}


def record_screenshots(db: Database, run_id: int, shots: Sequence[NewScreenshot]) -> list[int]:
    """Insert one `captura`/`resource` row per screenshot of a run (one transaction); return their ids."""
    with unit_of_work(db, "guardar las capturas de la corrida") as session:
        rows = [_screenshot_row(run_id, shot) for shot in shots]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def _screenshot_row(run_id: int, shot: NewScreenshot) -> ArchiveRecordRow:
    return ArchiveRecordRow(
        run_id=run_id,
        cve_inegi=shot.cve_inegi,
        source="sitio",
        kind=SCREENSHOT_KIND,
        record_type="resource" if shot.refers_to is None else "revisit",
        url=shot.url,
        sha256=shot.sha256,
        warc_file=shot.warc_file,
        offset=shot.offset,
        length=shot.length,
        content_type="image/png",
        http_status=None,
        captured_at=shot.captured_at,
        refers_to=shot.refers_to,
    )
