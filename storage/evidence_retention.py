"""Which archived records the retention policy may thin: older than the cutoff and evidence of nothing kept.

Kept whatever their age: every record of the newest complete run; the records of a municipality in a run that
changed one of its results, and in the run it was compared with (result_changes: both sides of the change); the
records of a municipality in any run from the one an auditor reviewed onward (reviews); and a payload (response)
that a kept revisit still refers to. The unit is the municipality's captures of a night: a changed verdict rests
on the pages read for it, and the evidence URL alone would miss the pages that made it `no_cumple`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.evidence_models import ArchiveRecordRow, ReviewRow
from storage.models import ResultChangeRow, RunRow
from storage.work import unit_of_work


@dataclass(frozen=True)
class Thinnable:
    """A record that may be thinned: its id, payload digest, file, offset, compressed length and type."""

    id: int
    sha256: str
    warc_file: str
    offset: int
    length: int
    record_type: str


def thinnable(db: Database, cutoff: datetime, thinned: Collection[int]) -> list[Thinnable]:
    """Records captured before cutoff that the policy does not keep (and not thinned already), by file and offset."""
    with unit_of_work(db, "leer qué evidencia puede depurarse", read_only=True) as session:
        changed = _changed_nights(session)
        reviewed = _reviewed_from(session)
        newest = session.scalar(select(func.max(RunRow.id)).where(RunRow.status == "complete"))
        rows = session.execute(
            select(
                ArchiveRecordRow.id,
                ArchiveRecordRow.run_id,
                ArchiveRecordRow.cve_inegi,
                ArchiveRecordRow.sha256,
                ArchiveRecordRow.warc_file,
                ArchiveRecordRow.offset,
                ArchiveRecordRow.length,
                ArchiveRecordRow.record_type,
                ArchiveRecordRow.refers_to,
                ArchiveRecordRow.captured_at,
            ).order_by(ArchiveRecordRow.warc_file, ArchiveRecordRow.offset)
        ).all()
    candidates: dict[int, Thinnable] = {}
    needed: set[int] = set()
    for row in rows:
        keep = (
            row.captured_at >= cutoff
            or row.run_id == newest
            or (row.run_id, row.cve_inegi) in changed
            or (row.cve_inegi in reviewed and row.run_id >= reviewed[row.cve_inegi])
        )
        if keep or row.id in thinned:
            if row.refers_to is not None and row.id not in thinned:
                needed.add(row.refers_to)
            continue
        candidates[row.id] = Thinnable(row.id, row.sha256, row.warc_file, row.offset, row.length, row.record_type)
    return [item for id_, item in candidates.items() if id_ not in needed]


def _changed_nights(session: Session) -> set[tuple[int, str | None]]:
    pairs: set[tuple[int, str | None]] = set()
    for run_id, previous, cve in session.execute(
        select(ResultChangeRow.run_id, ResultChangeRow.previous_run_id, ResultChangeRow.cve_inegi)
    ):
        pairs.update({(run_id, cve), (previous, cve)})
    return pairs


def _reviewed_from(session: Session) -> dict[str | None, int]:
    rows = session.execute(select(ReviewRow.cve_inegi, func.min(ReviewRow.run_id)).group_by(ReviewRow.cve_inegi))
    return {cve: run_id for cve, run_id in rows}
