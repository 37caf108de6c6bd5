"""What the operator notices read (last complete run, a run's site outcomes) and how they are queued, once each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from storage.db import Database
from storage.models import MunicipalityRow, OutboxRow, RunRow, SiteOutcomeRow, utcnow
from storage.work import unit_of_work


@dataclass(frozen=True)
class RunFacts:
    """A run as the watchdog sees it."""

    id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    error: str | None


@dataclass(frozen=True)
class SiteFact:
    """One site's outcome in a run: its failure (None when read) and the Spanish detail."""

    cve_inegi: str
    municipio: str
    failure: str | None
    detail: str | None


def _facts(row: RunRow | None) -> RunFacts | None:
    return None if row is None else RunFacts(row.id, row.status, row.started_at, row.finished_at, row.error)


def last_complete_run(db: Database, kind: str) -> RunFacts | None:
    """The complete run of this kind that finished last."""
    with unit_of_work(db, "leer la última corrida completa", read_only=True) as session:
        query = select(RunRow).where(RunRow.kind == kind, RunRow.status == "complete")
        return _facts(session.scalars(query.order_by(RunRow.finished_at.desc(), RunRow.id.desc()).limit(1)).first())


def run_facts(db: Database, run_id: int | None = None, kind: str | None = None, first: bool = False) -> RunFacts | None:
    """One run by id, or the newest (first=True: the oldest) run of a kind."""
    with unit_of_work(db, "leer una corrida", read_only=True) as session:
        if run_id is not None:
            return _facts(session.get(RunRow, run_id))
        order = RunRow.started_at.asc() if first else RunRow.started_at.desc()
        return _facts(session.scalars(select(RunRow).where(RunRow.kind == kind).order_by(order).limit(1)).first())


def site_facts(db: Database, run_id: int) -> list[SiteFact]:
    """The municipalities' site outcomes of a run, by clave."""
    query = (
        select(SiteOutcomeRow.cve_inegi, MunicipalityRow.nombre, SiteOutcomeRow.failure, SiteOutcomeRow.failure_detail)
        .join(MunicipalityRow, MunicipalityRow.cve_inegi == SiteOutcomeRow.cve_inegi)
        .where(SiteOutcomeRow.run_id == run_id)
        .order_by(SiteOutcomeRow.cve_inegi)
    )
    with unit_of_work(db, "leer los sitios de una corrida", read_only=True) as session:
        return [SiteFact(cve or "", name, failure, detail) for cve, name, failure, detail in session.execute(query)]


def queue_once(db: Database, run_id: int, recipient: str, key: str, subject: str, text: str) -> bool:
    """Queue a plain-text notice under key unless it was queued before; return whether it was queued now."""
    with unit_of_work(db, "poner un aviso al operador en la bandeja de salida") as session:
        if session.scalar(select(OutboxRow.id).where(OutboxRow.idempotency_key == key)) is not None:
            return False
        session.add(
            OutboxRow(
                run_id=run_id,
                recipient=recipient,
                recipient_name="Operador de Vigía",
                subject=subject,
                body_text=text,
                body_html=None,
                idempotency_key=key,
                status="pending",
                attempts=0,
                created_at=utcnow(),
            )
        )
        return True
