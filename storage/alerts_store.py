"""Alert storage: leases, the history detection reads (bounded, ranked in SQL) and what it writes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Select, and_, delete, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from storage.db import Database
from storage.models import (
    AlertStateRow,
    CheckKeyRow,
    CheckResultRow,
    LeaseRow,
    MunicipalityRow,
    OutboxRow,
    ResultDetailRow,
    RunRow,
    SiteOutcomeRow,
)
from storage.reads import HISTORY_STATUS, ReadResults
from storage.work import unit_of_work

AVAILABILITY_CHECK = "sitio.disponible"
# Outcome failures that prove a site unreachable when no availability result says otherwise.
DOWN_FAILURES = ("dns", "connect", "timeout", "http_error")
DEFINITIVE = ("cumple", "no_cumple")


def acquire_lease(db: Database, name: str, holder: str, ttl: timedelta, now: datetime) -> bool:
    """Take the lease (new, expired or already ours) until now + ttl in one transaction; False if another holds it."""
    try:
        with db.Session.begin() as session:
            taken = session.execute(
                update(LeaseRow)
                .where(LeaseRow.name == name, or_(LeaseRow.expires_at <= now, LeaseRow.holder == holder))
                .values(holder=holder, acquired_at=now, expires_at=now + ttl)
                .execution_options(synchronize_session=False)
            )
            if _count(taken):
                return True
            if session.get(LeaseRow, name) is not None:
                return False
            session.add(LeaseRow(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
            session.flush()
            return True
    except IntegrityError:
        # Another process inserted the same lease between our update and insert (PostgreSQL): it holds it.
        return False


def renew_lease(db: Database, name: str, holder: str, ttl: timedelta, now: datetime) -> bool:
    """Extend our lease to now + ttl; False when it is no longer ours (taken over after expiring)."""
    with unit_of_work(db, "renovar el candado") as session:
        done = session.execute(
            update(LeaseRow)
            .where(LeaseRow.name == name, LeaseRow.holder == holder)
            .values(expires_at=now + ttl)
            .execution_options(synchronize_session=False)
        )
        return _count(done) == 1


def release_lease(db: Database, name: str, holder: str) -> bool:
    """Give the lease up if we still hold it; return whether we did."""
    with unit_of_work(db, "liberar el candado") as session:
        done = session.execute(delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder))
        return _count(done) == 1


def _count(result: object) -> int:
    return cast(CursorResult[Any], result).rowcount


@dataclass(frozen=True)
class Observation:
    """One definitive status of a check (or of the site: cumple = up) in one complete run."""

    cve_inegi: str
    check_id: str
    run_id: int
    status: str
    evidence_url: str | None
    evidence_text: str | None
    finished_at: datetime | None
    detail: str | None = None


@dataclass(frozen=True)
class RankedObservation:
    """An observation with its rank among its check's definitive ones (1 = newest) and whether it is the newest
    cumple."""

    observation: Observation
    rank: int
    newest_cumple: bool


def history_runs(session: Session, run: RunRow, limit: int) -> list[int]:
    """Ids of the last `limit` complete runs of run's kind up to run itself, newest first."""
    query = (
        select(RunRow.id)
        .where(
            RunRow.status == HISTORY_STATUS,
            RunRow.kind == run.kind,
            or_(RunRow.started_at < run.started_at, and_(RunRow.started_at == run.started_at, RunRow.id <= run.id)),
        )
        .order_by(RunRow.started_at.desc(), RunRow.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def covered_checks(session: Session, run_id: int) -> set[tuple[str, str]]:
    """The (cve, check) pairs with a result in the run."""
    query = (
        select(CheckResultRow.cve_inegi, CheckKeyRow.check_id)
        .join(CheckKeyRow, CheckKeyRow.id == CheckResultRow.check_key)
        .where(CheckResultRow.run_id == run_id)
    )
    return {(cve, check) for cve, check in session.execute(query)}


def covered_sites(session: Session, run_id: int) -> set[str]:
    """The municipalities whose site was recorded in the run."""
    query = select(SiteOutcomeRow.cve_inegi).where(
        SiteOutcomeRow.run_id == run_id, SiteOutcomeRow.cve_inegi.is_not(None)
    )
    return {cve or "" for cve in session.scalars(query)}


_SiteRow = Select[SiteOutcomeRow, str, str | None, str | None, datetime | None]


def _is_availability(available: Any) -> ColumnElement[bool]:
    """Join condition: the result is the site's availability check."""
    keys = select(CheckKeyRow.id).where(CheckKeyRow.check_id == AVAILABILITY_CHECK)
    return and_(
        available.run_id == SiteOutcomeRow.run_id,
        available.cve_inegi == SiteOutcomeRow.cve_inegi,
        available.check_key.in_(keys),
    )


def _site_query(run_ids: Sequence[int], cves: Collection[str]) -> _SiteRow:
    """Each recorded site of the runs with its availability result (if any)."""
    available = aliased(CheckResultRow)
    detail = aliased(ResultDetailRow)
    return (
        select(SiteOutcomeRow, available.status, detail.evidence_url, detail.evidence_text, RunRow.finished_at)
        .join(RunRow, RunRow.id == SiteOutcomeRow.run_id)
        .outerjoin(available, _is_availability(available))
        .outerjoin(detail, detail.id == available.detail_id)
        .where(SiteOutcomeRow.run_id.in_(run_ids), SiteOutcomeRow.cve_inegi.in_(cves))
    )


def site_status(available: str | None, failure: str | None, network_suspect: bool) -> str | None:
    """cumple (up), no_cumple (down) or None (not definitively checked); mirrored in SQL by _down_sites."""
    if available is not None:
        return available if available in DEFINITIVE else None
    if failure is None:
        return "cumple"
    return "no_cumple" if failure in DOWN_FAILURES and not network_suspect else None


def site_observations(session: Session, run_ids: Sequence[int], cves: Collection[str]) -> list[Observation]:
    """Per site and run, its definitive up (cumple) or down (no_cumple) status; newest run first."""
    order = {run_id: index for index, run_id in enumerate(run_ids)}
    found = []
    for outcome, available, url, text, finished_at in session.execute(_site_query(run_ids, cves)):
        status = site_status(available, outcome.failure, outcome.network_suspect)
        if status is not None:
            found.append(
                Observation(
                    outcome.cve_inegi or "",
                    AVAILABILITY_CHECK,
                    outcome.run_id,
                    status,
                    url or outcome.home_url or outcome.start_url,
                    text,
                    finished_at,
                    outcome.failure_detail,
                )
            )
    return sorted(found, key=lambda o: order[o.run_id])


def _down_sites(run_ids: Sequence[int], cves: Collection[str]) -> Any:
    """(run_id, cve) of the sites down in those runs; the SQL twin of site_status() == "no_cumple"."""
    available = aliased(CheckResultRow)
    return (
        select(SiteOutcomeRow.run_id, SiteOutcomeRow.cve_inegi)
        .outerjoin(available, _is_availability(available))
        .where(
            SiteOutcomeRow.run_id.in_(run_ids),
            SiteOutcomeRow.cve_inegi.in_(cves),
            or_(
                available.status == "no_cumple",
                and_(
                    available.run_id.is_(None),
                    SiteOutcomeRow.failure.in_(DOWN_FAILURES),
                    SiteOutcomeRow.network_suspect == false(),
                ),
            ),
        )
        .distinct()
        .subquery()
    )


def check_observations(
    session: Session, run_ids: Sequence[int], cves: Collection[str], depth: int
) -> list[RankedObservation]:
    """Per (cve, check) but availability: its `depth` newest definitive statuses read (storage.reads) and its newest
    cumple, skipping runs where the site was down; ranked in SQL so that only those rows leave the database."""
    down = _down_sites(run_ids, cves)
    read = ReadResults()
    c, d, runs, k = read.results, read.details, read.runs, CheckKeyRow
    newest = (runs.c.started_at.desc(), runs.c.id.desc(), c.c.check_key.desc())
    ranked = (
        read.select(
            c.c.cve_inegi,
            k.check_id,
            c.c.run_id,
            c.c.status,
            d.c.evidence_url,
            d.c.evidence_text,
            runs.c.finished_at,
            func.row_number().over(partition_by=(c.c.cve_inegi, k.check_id), order_by=newest).label("rank"),
            func.row_number().over(partition_by=(c.c.cve_inegi, k.check_id, c.c.status), order_by=newest).label("nth"),
        )
        .join(k, k.id == c.c.check_key)
        .outerjoin(down, and_(down.c.run_id == c.c.run_id, down.c.cve_inegi == c.c.cve_inegi))
        .where(
            c.c.run_id.in_(run_ids),
            c.c.cve_inegi.in_(cves),
            c.c.status.in_(DEFINITIVE),
            k.check_id != AVAILABILITY_CHECK,
            down.c.run_id.is_(None),
        )
        .subquery()
    )
    newest_cumple = and_(ranked.c.status == "cumple", ranked.c.nth == 1)
    query = select(ranked, newest_cumple.label("newest_cumple")).where(or_(ranked.c.rank <= depth, newest_cumple))
    return [
        RankedObservation(
            Observation(
                row.cve_inegi,
                row.check_id,
                row.run_id,
                row.status,
                row.evidence_url,
                row.evidence_text,
                row.finished_at,
            ),
            row.rank,
            bool(row.newest_cumple),
        )
        for row in session.execute(query)
    ]


def load_states(session: Session, cves: Collection[str]) -> dict[tuple[str, str], AlertStateRow]:
    """The alert states of the municipalities, by (cve, check)."""
    query = select(AlertStateRow).where(AlertStateRow.cve_inegi.in_(cves))
    return {(row.cve_inegi, row.check_id): row for row in session.scalars(query)}


def municipality_names(session: Session, cves: Collection[str]) -> dict[str, str]:
    """Names of the municipalities as snapshotted at run start."""
    query = select(MunicipalityRow.cve_inegi, MunicipalityRow.nombre).where(MunicipalityRow.cve_inegi.in_(cves))
    return {cve: nombre for cve, nombre in session.execute(query)}


# Outbox claims (revision 0005): pending -> sending (claimed) -> sent | failed_permanent | pending | incierto.
CLAIMED = ("sending", "incierto")


def outbox_rows(db: Database, statuses: Collection[str]) -> list[OutboxRow]:
    """The outbox rows in these statuses, oldest first (detached, read-only)."""
    with unit_of_work(db, "leer la bandeja de salida", read_only=True) as session:
        query = select(OutboxRow).where(OutboxRow.status.in_(statuses)).order_by(OutboxRow.id)
        return list(session.scalars(query))


def lease_holder(db: Database, name: str) -> str | None:
    """Who holds the lease now (expired or not), or None."""
    with unit_of_work(db, "leer el candado", read_only=True) as session:
        return session.scalar(select(LeaseRow.holder).where(LeaseRow.name == name))


def claim_outbox(db: Database, outbox_id: int, from_status: str, holder: str, now: datetime) -> bool:
    """Commit the row as `sending` by holder before SMTP sees it; False when it left from_status meanwhile."""
    with unit_of_work(db, "reservar un correo para enviarlo") as session:
        done = session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id, OutboxRow.status == from_status)
            .values(status="sending", claimed_at=now, claimed_by=holder)
            .execution_options(synchronize_session=False)
        )
        return _count(done) == 1


def settle_outbox(db: Database, outbox_id: int, holder: str, values: dict[str, object]) -> bool:
    """Record the outcome of holder's attempt; also from incierto, since only holder knows what the server said."""
    with unit_of_work(db, "registrar el envío de un correo") as session:
        done = session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id, OutboxRow.claimed_by == holder, OutboxRow.status.in_(CLAIMED))
            .values(attempts=OutboxRow.attempts + 1, **values)
            .execution_options(synchronize_session=False)
        )
        return _count(done) == 1


def mark_uncertain(db: Database, outbox_id: int, claimed_by: str | None, reason: str) -> bool:
    """Turn a stale `sending` claim into `incierto` (kept for a deliberate resend); False if it moved meanwhile."""
    claimer = OutboxRow.claimed_by.is_(None) if claimed_by is None else OutboxRow.claimed_by == claimed_by
    with unit_of_work(db, "marcar un correo como incierto") as session:
        done = session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id, OutboxRow.status == "sending", claimer)
            .values(status="incierto", last_error=reason)
            .execution_options(synchronize_session=False)
        )
        return _count(done) == 1
