"""Reading history across complete runs: one municipality's timeline, and every status change since a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from storage.db import Database
from storage.models import CheckResultRow, MunicipalityRow, RunRow
from storage.work import unit_of_work
from vigia.clock import LOCAL_TZ

# Dates given by users are Mexico City calendar days; times are stored in UTC.


@dataclass(frozen=True)
class TimelineEntry:
    """One check result of a municipality in one complete run."""

    run_id: int
    run_finished_at: datetime | None
    check_id: str
    status: str
    reason: str | None
    evidence_url: str | None
    evidence_text: str | None
    source: str


@dataclass(frozen=True)
class Change:
    """A check whose status differs from its previous result in the complete runs covering the municipality."""

    cve_inegi: str
    nombre: str
    check_id: str
    previous_status: str
    status: str
    previous_run_id: int
    run_id: int
    run_finished_at: datetime | None
    evidence_url: str | None


def day_start(day: date) -> datetime:
    """The UTC instant at which a Mexico City calendar day begins."""
    return datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC)


def _within(since: date | None, until: date | None) -> list[ColumnElement[bool]]:
    """Conditions on RunRow.finished_at for the local days since..until, both included."""
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        conditions.append(RunRow.finished_at >= day_start(since))
    if until is not None:
        conditions.append(RunRow.finished_at < day_start(until + timedelta(days=1)))
    return conditions


def timeline(db: Database, cve: str, check_id: str | None = None, since: date | None = None,
             until: date | None = None) -> list[TimelineEntry]:
    """A municipality's results over complete runs (optionally one check, between local dates), oldest first."""
    c = CheckResultRow
    query = (
        select(c.run_id, RunRow.finished_at, c.check_id, c.status, c.reason, c.evidence_url, c.evidence_text,
               c.source)
        .join(RunRow, RunRow.id == c.run_id)
        .where(RunRow.status == "complete", c.cve_inegi == cve, *_within(since, until))
        .order_by(RunRow.started_at, RunRow.id, c.check_id, c.id)
    )
    if check_id is not None:
        query = query.where(c.check_id == check_id)
    with unit_of_work(db, "leer la historia del municipio", read_only=True) as session:
        return [TimelineEntry(*row) for row in session.execute(query)]


def _with_previous(until: date | None) -> Select[Any]:
    """Every result of complete runs (up to until) with the previous result of the same municipality and check."""
    c = CheckResultRow
    order = (RunRow.started_at, RunRow.id, c.id)
    partition = (c.cve_inegi, c.check_id)
    return (
        select(
            c.cve_inegi, c.check_id, c.status, c.run_id, c.evidence_url, RunRow.finished_at,
            func.lag(c.status).over(partition_by=partition, order_by=order).label("previous_status"),
            func.lag(c.run_id).over(partition_by=partition, order_by=order).label("previous_run_id"),
        )
        .join(RunRow, RunRow.id == c.run_id)
        .where(RunRow.status == "complete", c.cve_inegi.is_not(None), *_within(None, until))
    )


def changes_since(db: Database, since: date, until: date | None = None) -> list[Change]:
    """Every status change in complete runs finished on local days since..until, in one windowed query."""
    ranked = _with_previous(until).subquery()
    query = (
        select(ranked, MunicipalityRow.nombre)
        .join(MunicipalityRow, MunicipalityRow.cve_inegi == ranked.c.cve_inegi)
        .where(
            ranked.c.finished_at >= day_start(since), ranked.c.previous_status.is_not(None),
            ranked.c.previous_status != ranked.c.status,
        )
        .order_by(ranked.c.finished_at, ranked.c.run_id, ranked.c.cve_inegi, ranked.c.check_id)
    )
    with unit_of_work(db, "leer los cambios de estado", read_only=True) as session:
        return [
            Change(row.cve_inegi, row.nombre, row.check_id, row.previous_status, row.status, row.previous_run_id,
                   row.run_id, row.finished_at, row.evidence_url)
            for row in session.execute(query)
        ]
