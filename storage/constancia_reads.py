"""The evidence tables a constancia reads: the run as of a day, archived copies, reviews in force, the hash chain.

Each function reads inside the caller's session, so that a constancia is one consistent snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.clock import LOCAL_TZ
from storage.evidence_models import ArchiveRecordRow, ReviewRow, RunManifestRow
from storage.models import RunRow, SiteOutcomeRow

# A verdict is named by its check and source (two IPOMEX generations may report the same fraction).
VerdictKey = tuple[str, str]


@dataclass(frozen=True)
class ArchivedCopy:
    """Where the archived copy of a page lives and its SHA-256; a revisit names the run that holds the payload."""

    sha256: str
    record_type: str
    warc_file: str
    offset: int
    captured_at: datetime
    payload_run_id: int | None = None
    payload_captured_at: datetime | None = None


@dataclass(frozen=True)
class Review:
    """An auditor's review in force for a verdict: what was done, by whom, when, why, on which run."""

    action: str
    status_before: str
    status_after: str
    reason: str
    auditor: str
    at: datetime
    run_id: int


@dataclass(frozen=True)
class ChainLink:
    """A run's manifest hash in the chain and when it was written."""

    run_id: int
    manifest_hash: str
    created_at: datetime


def end_of_day(day: date) -> datetime:
    """The first instant (UTC) after the given day ends in Mexico City."""
    return datetime.combine(day + timedelta(days=1), time(), LOCAL_TZ).astimezone(UTC)


def _complete_runs_of(cve: str) -> Select[RunRow]:
    return (
        select(RunRow)
        .join(SiteOutcomeRow, SiteOutcomeRow.run_id == RunRow.id)
        .where(SiteOutcomeRow.cve_inegi == cve, RunRow.status == "complete", RunRow.finished_at.is_not(None))
    )


def run_as_of(session: Session, cve: str, day: date) -> RunRow | None:
    """The last complete run that recorded the municipality and finished on or before the end of day."""
    query = _complete_runs_of(cve).where(RunRow.finished_at < end_of_day(day))
    return session.scalars(query.order_by(RunRow.finished_at.desc(), RunRow.id.desc()).limit(1)).first()


def first_complete_run(session: Session, cve: str) -> RunRow | None:
    """The first complete run that recorded the municipality, whenever it finished."""
    query = _complete_runs_of(cve).order_by(RunRow.finished_at, RunRow.id).limit(1)
    return session.scalars(query).first()


def archived_copies(session: Session, run_id: int, cve: str) -> tuple[dict[str, ArchivedCopy], dict[str, ArchivedCopy]]:
    """Per URL, the run's archived copy of the page (response or revisit) and its screenshot, for one municipality."""
    a = ArchiveRecordRow
    rows = list(session.scalars(select(a).where(a.run_id == run_id, a.cve_inegi == cve).order_by(a.id)))
    targets = {row.refers_to for row in rows if row.refers_to is not None}
    referred = {row.id: row for row in session.scalars(select(a).where(a.id.in_(targets)))} if targets else {}
    pages: dict[str, ArchivedCopy] = {}
    shots: dict[str, ArchivedCopy] = {}
    for row in rows:
        chosen = shots if row.kind == "captura" else pages
        chosen.setdefault(row.url, _copy(row, referred.get(row.refers_to or -1)))
    return pages, shots


def _copy(row: ArchiveRecordRow, payload: ArchiveRecordRow | None) -> ArchivedCopy:
    return ArchivedCopy(
        sha256=row.sha256,
        record_type=row.record_type,
        warc_file=row.warc_file,
        offset=row.offset,
        captured_at=row.captured_at,
        payload_run_id=payload.run_id if payload else None,
        payload_captured_at=payload.captured_at if payload else None,
    )


def reviews_in_force(
    session: Session, cve: str, run_id: int, digests: Mapping[VerdictKey, str | None]
) -> dict[VerdictKey, Review]:
    """Per verdict of digests, the latest review of the municipality's check made on this run, or on an earlier run
    whose evidence_digest equals the verdict's archived evidence digest (a changed page ends an older review)."""
    r = ReviewRow
    query = select(r).where(r.cve_inegi == cve, r.run_id <= run_id).order_by(r.at, r.id)
    found: dict[VerdictKey, Review] = {}
    for row in session.scalars(query):
        key = (row.check_id, row.source)
        if key not in digests:
            continue
        digest = digests[key]
        if row.run_id == run_id or (digest is not None and row.evidence_digest == digest):
            found[key] = _review(row)
    return found


def _review(row: ReviewRow) -> Review:
    return Review(row.action, row.status_before, row.status_after, row.reason, row.auditor, row.at, row.run_id)


def chain_links(session: Session, run_id: int) -> tuple[ChainLink | None, ChainLink | None]:
    """The run's own manifest link (None before the chain existed) and the newest link when it is another run's."""
    m = RunManifestRow
    own = session.get(m, run_id)
    newest = session.scalars(select(m).order_by(m.created_at.desc(), m.run_id.desc()).limit(1)).first()
    head = newest if newest is not None and newest.run_id != run_id else None
    return _link(own), _link(head)


def _link(row: RunManifestRow | None) -> ChainLink | None:
    return ChainLink(row.run_id, row.manifest_hash, row.created_at) if row is not None else None
