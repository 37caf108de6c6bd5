"""The database side of the evidence archive: index each archived record, find earlier copies of a payload, and
ingest a run's spool through an archiver given as an argument (storage never imports archive/).

Ingesting must never fail a run: any failure of the archive (a full disk, an unwritable folder, a broken spool)
is logged with its cause and becomes the archiver's Spanish notice for that run, while the run's results are
stored as always. The spool stays on disk until its records are committed, so a failed or crashed ingest is
retried by the next run (`ingest_pending`).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.evidence_models import ArchiveRecordRow
from storage.models import RunRow
from storage.work import unit_of_work

log = logging.getLogger("vigia.archive")
# Digests per IN (...) query: well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 500


class ArchivedRecord(Protocol):
    """A record written to a night file, as the archiver describes it."""

    @property
    def run_id(self) -> int: ...
    @property
    def cve_inegi(self) -> str | None: ...
    @property
    def source(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def record_type(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def warc_file(self) -> str: ...
    @property
    def offset(self) -> int: ...
    @property
    def length(self) -> int: ...
    @property
    def content_type(self) -> str | None: ...
    @property
    def http_status(self) -> int | None: ...
    @property
    def captured_at(self) -> datetime: ...
    @property
    def refers_to(self) -> int | None: ...


@dataclass(frozen=True)
class Copy:
    """An archived record holding a payload: its id, URL and capture time (what a revisit refers to)."""

    id: int
    url: str
    captured_at: datetime


class EvidenceIndex:
    """archive_records within one transaction: earlier copies of payloads, and one row per record written."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def copies(self, digests: Collection[str]) -> dict[str, list[Copy]]:
        """Per payload digest, the response records holding it, oldest first."""
        found: dict[str, list[Copy]] = {}
        wanted = sorted(digests)
        for start in range(0, len(wanted), CHUNK):
            rows = self.session.execute(
                select(ArchiveRecordRow.sha256, ArchiveRecordRow.id, ArchiveRecordRow.url, ArchiveRecordRow.captured_at)
                .where(ArchiveRecordRow.sha256.in_(wanted[start : start + CHUNK]))
                .where(ArchiveRecordRow.record_type == "response")
                .order_by(ArchiveRecordRow.id)
            )
            for sha, id_, url, at in rows:
                found.setdefault(sha, []).append(Copy(id_, url, at))
        return found

    def add_all(self, records: Sequence[ArchivedRecord]) -> list[int]:
        """Insert one row per record in one statement; their ids, in the records' order."""
        if not records:
            return []
        statement = insert(ArchiveRecordRow).returning(ArchiveRecordRow.id, sort_by_parameter_order=True)
        return list(self.session.scalars(statement, [_values(record) for record in records]))


def _values(record: ArchivedRecord) -> dict[str, object]:
    return {
        "run_id": record.run_id,
        "cve_inegi": record.cve_inegi,
        "source": record.source[:20],
        "kind": record.kind,
        "record_type": record.record_type,
        "url": record.url,
        "sha256": record.sha256,
        "warc_file": record.warc_file,
        "offset": record.offset,
        "length": record.length,
        "content_type": record.content_type,
        "http_status": record.http_status,
        "captured_at": record.captured_at,
        "refers_to": record.refers_to,
    }


class Archiver(Protocol):
    """The evidence archive as a run store uses it (archive/folder.py: EvidenceArchive)."""

    def capture_folder(self, run_id: int) -> str | None: ...
    def pending(self) -> list[int]: ...
    def ingest(self, run_id: int, started_at: datetime, index: EvidenceIndex) -> object: ...
    def discard(self, run_id: int) -> None: ...
    def failed(self, run_id: int, cause: str) -> None: ...
    def notice(self, run_id: int) -> str | None: ...


def ingest_run(db: Database, archiver: Archiver, run_id: int) -> None:
    """Ingest one run's spool in one transaction, then discard the spool; never raises (the notice says why)."""
    try:
        with unit_of_work(db, "guardar el índice de la evidencia archivada") as session:
            run = session.get(RunRow, run_id)
            if run is None:
                log.warning("evidence spool of run %d has no run in this database; left in place", run_id)
                return
            archiver.ingest(run_id, run.started_at, EvidenceIndex(session))
        archiver.discard(run_id)
    except Exception as exc:  # archiving must never fail a run: the cause goes to the log and the notice
        log.exception("evidence of run %d was not archived", run_id)
        archiver.failed(run_id, f"{type(exc).__name__}: {exc}")


def ingest_pending(db: Database, archiver: Archiver, exclude: int | None = None) -> list[int]:
    """Ingest the spools that earlier runs left (crashed, interrupted, or their ingest failed); the runs ingested.
    A spool of a run still running is left to that run."""
    done = []
    for run_id in archiver.pending():
        if run_id == exclude or _running(db, run_id):
            continue
        ingest_run(db, archiver, run_id)
        done.append(run_id)
    return done


def _running(db: Database, run_id: int) -> bool:
    with unit_of_work(db, "leer el estado de una corrida", read_only=True) as session:
        run = session.get(RunRow, run_id)
        return run is not None and run.status == "running"
