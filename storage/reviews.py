"""Auditors' reviews of verdicts: append-only rows, the evidence digest each rests on, and which are in force.

A review is about the newest result of (municipality, check, source): the one in the newest complete run covering
the municipality. It stays in force while that newest result's evidence digest (evidence_digest) equals the digest
recorded with the review; when the page changes the review stops applying and the verdict «vuelve a revisión».
check_results are never edited.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from checks.model import STATUS_TEXT
from core.errors import VigiaError
from storage.dashboard_series import newest_complete_run
from storage.db import Database
from storage.evidence_models import ArchiveRecordRow, ReviewRow
from storage.models import CheckKeyRow, CheckResultRow, MunicipalityRow, ResultDetailRow
from storage.work import unit_of_work

# The statuses an auditor may correct a verdict to (no_aplica is IPOMEX's own justification, never a judgement).
CORRECTABLE = ("cumple", "no_cumple", "indeterminado")
IN_FORCE, BACK_TO_REVIEW, SUPERSEDED = "vigente", "vuelve_a_revision", "reemplazada"
STATE_TEXT = {IN_FORCE: "vigente", BACK_TO_REVIEW: "vuelve a revisión", SUPERSEDED: "reemplazada"}
ACTION_TEXT = {"confirmar": "confirmó", "corregir": "corrigió"}
Key = tuple[str, str, str]  # (cve_inegi, check_id, source)


class ReviewError(VigiaError):
    """A review cannot be recorded as asked (message in Spanish)."""

    exit_code = 2


@dataclass(frozen=True)
class Verdict:
    """The newest result of one (municipality, check, source) and the digest of its evidence."""

    cve_inegi: str
    check_id: str
    source: str
    run_id: int
    status: str
    evidence_url: str | None
    evidence_text: str | None
    digest: str


@dataclass(frozen=True)
class Review:
    """One row of the reviews table."""

    id: int
    cve_inegi: str
    check_id: str
    source: str
    run_id: int
    action: str
    status_before: str
    status_after: str
    reason: str
    auditor: str
    at: datetime
    evidence_digest: str | None

    @property
    def key(self) -> Key:
        """(cve_inegi, check_id, source)."""
        return (self.cve_inegi, self.check_id, self.source)


@dataclass(frozen=True)
class ReviewState:
    """A review and where it stands: in force, back to review (its evidence changed) or superseded."""

    review: Review
    state: str
    # The newest result the review is compared with (None when the municipality has no result for it any more).
    verdict: Verdict | None

    @property
    def in_force(self) -> bool:
        """Whether the review's status replaces the machine's."""
        return self.state == IN_FORCE

    @property
    def reviewed_status(self) -> str | None:
        """The auditor's status while in force, else None (the machine's verdict stands)."""
        return self.review.status_after if self.in_force else None

    @property
    def state_text(self) -> str:
        """The state in Spanish."""
        return STATE_TEXT[self.state]


def fallback_digest(evidence_url: str | None, evidence_text: str | None, status: str) -> str:
    """SHA-256 hex of "evidence_url\\nevidence_text\\nstatus", for a verdict without an archived copy."""
    return hashlib.sha256(f"{evidence_url or ''}\n{evidence_text or ''}\n{status}".encode()).hexdigest()


# Archived copies of one run by (cve, url): (source, sha256) in record order.
Archived = dict[tuple[str, str], list[tuple[str, str]]]


def evidence_digest(
    conn: Connection, run_id: int, cve: str, source: str, url: str | None, text: str | None, status: str
) -> str:
    """The digest of a verdict's evidence: the SHA-256 payload digest of its archived copy (the archive_records row
    of the same run, municipality and URL, preferring the same source; a revisit row carries the payload's digest),
    else fallback_digest of the stored result."""
    archived = _archived(conn, run_id, [cve], [url] if url else [])
    return _digest(archived, cve, source, url, text, status)


def _archived(conn: Connection, run_id: int, cves: Sequence[str], urls: Sequence[str]) -> Archived:
    """The run's archived copies (screenshots aside) of those URLs for those municipalities, one query."""
    found: Archived = defaultdict(list)
    if not urls:
        return found
    a = ArchiveRecordRow
    query = (
        select(a.cve_inegi, a.url, a.source, a.sha256)
        .where(a.run_id == run_id, a.cve_inegi.in_(cves), a.url.in_(sorted(set(urls))), a.kind != "captura")
        .order_by(a.id)
    )
    for cve, url, source, sha in conn.execute(query):
        found[(cve or "", url)].append((source, sha))
    return found


def _digest(archived: Archived, cve: str, source: str, url: str | None, text: str | None, status: str) -> str:
    copies = archived.get((cve, url), []) if url else []
    same_source = [sha for found, sha in copies if found == source]
    chosen = same_source or [sha for _, sha in copies]
    return chosen[0] if chosen else fallback_digest(url, text, status)


def current_verdicts(conn: Connection, keys: Iterable[Key]) -> dict[Key, Verdict]:
    """The newest result (newest complete run covering the municipality) of each key that has one; a few queries
    per run involved, whatever the number of keys."""
    wanted = set(keys)
    cves = sorted({cve for cve, _, _ in wanted})
    if not cves:
        return {}
    m = MunicipalityRow
    newest = select(m.cve_inegi, newest_complete_run(m.cve_inegi)).where(m.cve_inegi.in_(cves))
    by_run: dict[int, list[str]] = defaultdict(list)
    for cve, run_id in conn.execute(newest):
        if run_id is not None:
            by_run[run_id].append(cve)
    found: dict[Key, Verdict] = {}
    for run_id, chosen in by_run.items():
        found.update(_run_verdicts(conn, run_id, chosen, wanted))
    return found


def _run_verdicts(conn: Connection, run_id: int, cves: Sequence[str], wanted: set[Key]) -> dict[Key, Verdict]:
    c, k, d = CheckResultRow, CheckKeyRow, ResultDetailRow
    query = (
        select(c.cve_inegi, k.check_id, k.source, c.status, d.evidence_url, d.evidence_text)
        .join(k, k.id == c.check_key)
        .join(d, d.id == c.detail_id)
        .where(c.run_id == run_id, c.cve_inegi.in_(cves))
    )
    rows = [row for row in conn.execute(query) if (row[0], row[1], row[2]) in wanted]
    archived = _archived(conn, run_id, cves, [row.evidence_url for row in rows if row.evidence_url])
    return {
        (cve, check_id, source): Verdict(
            cve, check_id, source, run_id, status, url, text, _digest(archived, cve, source, url, text, status)
        )
        for cve, check_id, source, status, url, text in rows
    }


def _review(row: ReviewRow) -> Review:
    return Review(
        id=row.id,
        cve_inegi=row.cve_inegi,
        check_id=row.check_id,
        source=row.source,
        run_id=row.run_id,
        action=row.action,
        status_before=row.status_before,
        status_after=row.status_after,
        reason=row.reason,
        auditor=row.auditor,
        at=row.at,
        evidence_digest=row.evidence_digest,
    )


def _reviews(session: Session, cves: Sequence[str] | None) -> list[Review]:
    """Every review (of cves, or all), oldest first."""
    query = select(ReviewRow).order_by(ReviewRow.at, ReviewRow.id)
    if cves is not None:
        query = query.where(ReviewRow.cve_inegi.in_(cves))
    return [_review(row) for row in session.scalars(query)]


def _states(session: Session, reviews: Sequence[Review]) -> list[ReviewState]:
    """Each review with its state; only the latest review of a key can be in force."""
    latest = {review.key: review for review in reviews}
    verdicts = current_verdicts(session.connection(), latest)
    states = []
    for review in reviews:
        verdict = verdicts.get(review.key)
        if latest[review.key] is not review:
            state = SUPERSEDED
        elif verdict is not None and verdict.digest == review.evidence_digest:
            state = IN_FORCE
        else:
            state = BACK_TO_REVIEW
        states.append(ReviewState(review, state, verdict))
    return states


def latest_reviews(db: Database, cves: Sequence[str] | None = None) -> dict[Key, ReviewState]:
    """The latest review of each (municipality, check, source) of cves (or all), in force or back to review."""
    with unit_of_work(db, "leer las revisiones de los auditores", read_only=True) as session:
        states = _states(session, _reviews(session, cves))
    return {s.review.key: s for s in states if s.state != SUPERSEDED}


def audit_trail(db: Database, cves: Sequence[str] | None = None) -> list[ReviewState]:
    """Every review (of cves, or all), newest first, each with its state: the auditors' audit trail."""
    with unit_of_work(db, "leer el historial de revisiones", read_only=True) as session:
        states = _states(session, _reviews(session, cves))
    return sorted(states, key=lambda s: (s.review.at, s.review.id), reverse=True)


@dataclass(frozen=True)
class ReviewRequest:
    """What an auditor asks to record: confirm the verdict, or correct it to status_after."""

    cve_inegi: str
    check_id: str
    action: str
    reason: str
    auditor: str
    status_after: str | None = None
    # None: the only source that has this check in the newest result (a site check is "sitio").
    source: str | None = None


def record_review(db: Database, request: ReviewRequest, now: datetime) -> ReviewState:
    """Validate and append one review of the newest result; raise ReviewError in Spanish when it cannot be."""
    reason, auditor = request.reason.strip(), request.auditor.strip()
    if not reason:
        raise ReviewError("Falta el motivo: toda revisión dice por qué (lo que vio el auditor).")
    if not auditor:
        raise ReviewError("Falta quién revisa: indique el nombre del auditor.")
    with unit_of_work(db, "registrar la revisión") as session:
        verdict = _verdict_to_review(session.connection(), request)
        after = _status_after(request, verdict.status)
        row = ReviewRow(
            cve_inegi=verdict.cve_inegi,
            check_id=verdict.check_id,
            source=verdict.source,
            run_id=verdict.run_id,
            action=request.action,
            status_before=verdict.status,
            status_after=after,
            reason=reason,
            auditor=auditor,
            at=now,
            evidence_digest=verdict.digest,
        )
        session.add(row)
        session.flush()
        return ReviewState(_review(row), IN_FORCE, verdict)


def _verdict_to_review(conn: Connection, request: ReviewRequest) -> Verdict:
    """The newest result the request is about; a Spanish ReviewError when there is none or it is ambiguous."""
    k = CheckKeyRow
    query = select(k.source).where(k.check_id == request.check_id)
    sources = [request.source] if request.source else list(conn.scalars(query))
    verdicts = current_verdicts(conn, [(request.cve_inegi, request.check_id, s) for s in sources])
    if not verdicts:
        raise ReviewError(
            f"El municipio {request.cve_inegi} no tiene resultado de «{request.check_id}»"
            f"{f' (fuente {request.source})' if request.source else ''} en su última corrida completa."
        )
    if len(verdicts) > 1:
        names = ", ".join(sorted(v.source for v in verdicts.values()))
        raise ReviewError(f"«{request.check_id}» tiene resultados de varias fuentes ({names}): indique la fuente.")
    return next(iter(verdicts.values()))


def _status_after(request: ReviewRequest, before: str) -> str:
    if request.action == "confirmar":
        return before
    if request.action != "corregir":
        raise ReviewError(f"Acción desconocida «{request.action}»: use confirmar o corregir.")
    after = request.status_after or ""
    if after not in CORRECTABLE:
        raise ReviewError(f"Estado «{after}» no válido para corregir: use {', '.join(CORRECTABLE)}.")
    if after == before:
        raise ReviewError(
            f"El veredicto ya es «{STATUS_TEXT.get(before, before)}»: para darle la razón a la máquina use confirmar."
        )
    return after
