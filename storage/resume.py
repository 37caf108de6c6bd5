"""What a run did not read (unread_stages), and completing a partial run in a new one (`vigia rastrear --reanudar`).

The resuming run records which run it resumes (runs.resumes_run_id), copies as its own results what that run did
read (marked in carried_stages with the run that read them) and crawls only the municipality × stage pairs it
missed. History stays append-only: the partial run keeps its rows, and the resuming run is scored once when it
closes, like any run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, literal, select, update
from sqlalchemy.orm import Session

from checks.model import Unread, stage_label
from core.errors import VigiaError
from storage.db import Database
from storage.models import (
    CarriedStageRow,
    CheckKeyRow,
    CheckResultRow,
    IpomexCaptureRow,
    MunicipalityRow,
    PageLogRow,
    RunRow,
    SiteOutcomeRow,
    UnreadStageRow,
)
from storage.work import unit_of_work

SITE_SOURCE = "sitio"
# Stage → the `source` names its results and facts are stored under (crawler.source: Source.names).
StageSources = Mapping[str, Collection[str]]


class ResumeError(VigiaError):
    """A run cannot be resumed; the message says why and what to do instead."""


@dataclass(frozen=True)
class ResumePlan:
    """A partial run to complete: its kind and date, every municipality it covered and the pairs it did not read."""

    run_id: int
    kind: str
    run_date: date | None
    cves: tuple[str, ...]
    missed: tuple[Unread, ...]


def store_unread(conn: Connection, run_id: int, unread: Iterable[Unread]) -> None:
    """Record what a run did not read, once per municipality and stage (the first reason given wins)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for item in unread:
        key = (item.cve_inegi, item.stage)
        row = {"run_id": run_id, "cve_inegi": item.cve_inegi, "stage": item.stage}
        rows.setdefault(key, {**row, "reason": item.reason, "detail": item.detail})
    if rows:
        conn.execute(insert(UnreadStageRow), list(rows.values()))


def unread_of(conn: Connection, run_ids: Collection[int]) -> dict[int, list[Unread]]:
    """What each of the runs did not read, by municipality then stage."""
    u, m = UnreadStageRow, MunicipalityRow
    query = (
        select(u.run_id, u.cve_inegi, m.nombre, u.stage, u.reason, u.detail)
        .join(m, m.cve_inegi == u.cve_inegi)
        .where(u.run_id.in_(list(run_ids)))
        .order_by(u.run_id, u.cve_inegi, u.stage)
    )
    found: dict[int, list[Unread]] = defaultdict(list)
    for run_id, cve, nombre, stage, reason, detail in conn.execute(query):
        found[run_id].append(Unread(cve, nombre, stage, reason, detail))
    return found


def run_unread(db: Database, run_id: int) -> list[Unread]:
    """What one run did not read."""
    with unit_of_work(db, "leer lo que la corrida no leyó", read_only=True) as session:
        return unread_of(session.connection(), [run_id]).get(run_id, [])


def pending_unread(db: Database) -> tuple[int, list[Unread]] | None:
    """When the newest closed run (complete or partial) is partial: its id and what it did not read."""
    with unit_of_work(db, "leer lo que quedó sin leer", read_only=True) as session:
        newest = session.execute(
            select(RunRow.id, RunRow.status)
            .where(RunRow.status.in_(("complete", "partial")))
            .order_by(RunRow.started_at.desc(), RunRow.id.desc())
            .limit(1)
        ).first()
        if newest is None or newest.status != "partial":
            return None
        return newest.id, unread_of(session.connection(), [newest.id]).get(newest.id, [])


@dataclass(frozen=True)
class ResumeLinks:
    """How runs relate through --reanudar: who resumed each run, and how many stages each one carried."""

    resumed_by: dict[int, int]
    carried: dict[int, int]


def resume_links(conn: Connection, run_ids: Collection[int]) -> ResumeLinks:
    """For the runs: the run that resumed each one, and the stages each one carried from the run it resumes."""
    ids = list(run_ids)
    by = select(RunRow.resumes_run_id, RunRow.id).where(RunRow.resumes_run_id.in_(ids))
    carried = select(CarriedStageRow.run_id, func.count()).where(CarriedStageRow.run_id.in_(ids))
    return ResumeLinks(
        {resumed: run for resumed, run in conn.execute(by) if resumed is not None},
        {run: count for run, count in conn.execute(carried.group_by(CarriedStageRow.run_id))},
    )


def resumable_run(db: Database, run_id: int | None = None) -> ResumePlan:
    """The partial run to resume (by default the newest one), or a ResumeError saying why it cannot be."""
    with unit_of_work(db, "buscar la corrida por reanudar", read_only=True) as session:
        run = _chosen(session, run_id)
        _refuse(session, run)
        conn = session.connection()
        missed = tuple(unread_of(conn, [run.id]).get(run.id, []))
        if not missed:
            raise ResumeError(
                f"La corrida {run.id} no guardó la lista de lo que no leyó (se hizo con una versión anterior de "
                "Vigía): no se puede reanudar. Ejecute «vigia rastrear» para una corrida nueva."
            )
        cves = sorted(_covered(conn, run.id) | {item.cve_inegi for item in missed})
        return ResumePlan(run.id, run.kind, _run_date(run.params), tuple(cves), missed)


def _chosen(session: Session, run_id: int | None) -> RunRow:
    if run_id is not None:
        run = session.get(RunRow, run_id)
        if run is None:
            raise ResumeError(f"No existe la corrida {run_id} en esta base de datos.")
        return run
    newest = session.scalars(
        select(RunRow).where(RunRow.status == "partial").order_by(RunRow.started_at.desc(), RunRow.id.desc()).limit(1)
    ).first()
    if newest is None:
        raise ResumeError("No hay ninguna corrida parcial que reanudar en esta base de datos.")
    return newest


def _refuse(session: Session, run: RunRow, opening: int | None = None) -> None:
    """Only a partial run that nothing (but the run opening now) resumed or superseded yet can be completed."""
    if run.status != "partial":
        done = {"complete": "terminó completa", "failed": "falló", "running": "sigue en curso"}.get(run.status, "")
        raise ResumeError(f"La corrida {run.id} {done}: sólo se reanuda una corrida parcial.")
    later = select(RunRow.id).where(RunRow.resumes_run_id == run.id, RunRow.id != (opening or 0)).limit(1)
    by = session.scalar(later)
    if by is not None:
        raise ResumeError(f"La corrida {run.id} ya fue reanudada por la corrida {by}.")
    newer = session.scalar(
        select(RunRow.id)
        .where(RunRow.kind == run.kind, RunRow.status.in_(("complete", "partial")), RunRow.started_at > run.started_at)
        .order_by(RunRow.started_at)
        .limit(1)
    )
    if newer is not None:
        raise ResumeError(
            f"La corrida {run.id} ya no es la más reciente: la corrida {newer} es posterior. Completar la {run.id} "
            "mezclaría dos noches; ejecute «vigia rastrear» o reanude la más reciente."
        )


def _covered(conn: Connection, run_id: int) -> set[str]:
    """Every municipality a run recorded anything for."""
    queries = [
        select(SiteOutcomeRow.cve_inegi).where(SiteOutcomeRow.run_id == run_id),
        select(IpomexCaptureRow.cve_inegi).where(IpomexCaptureRow.run_id == run_id),
        select(CheckResultRow.cve_inegi).where(CheckResultRow.run_id == run_id).distinct(),
    ]
    return {cve for query in queries for cve in conn.scalars(query) if cve is not None}


def _run_date(params: str | None) -> date | None:
    try:
        value = json.loads(params or "{}").get("run_date")
        return date.fromisoformat(value) if isinstance(value, str) else None
    except (ValueError, AttributeError):
        return None


def carry_forward(session: Session, run_id: int, plan: ResumePlan, stages: StageSources) -> dict[str, int]:
    """Copy into run_id, as its own rows, every stage the resumed run read (results, site outcome and page log,
    IPOMEX captures), mark them carried and count them in the run; return per stage how many municipalities."""
    _refuse(session, _locked(session, plan.run_id), opening=run_id)
    missed = {(item.cve_inegi, item.stage) for item in plan.missed}
    conn, carried = session.connection(), {}
    for stage, names in stages.items():
        cves = sorted(cve for cve in _recorded(conn, plan.run_id, names) if (cve, stage) not in missed)
        if cves:
            _copy_stage(conn, plan.run_id, run_id, cves, sorted(names))
            _mark(conn, plan.run_id, run_id, stage, cves)
        carried[stage] = len(cves)
    return carried


def _locked(session: Session, run_id: int) -> RunRow:
    run = session.get(RunRow, run_id)
    if run is None:
        raise ResumeError(f"No existe la corrida {run_id} en esta base de datos.")
    return run


def _recorded(conn: Connection, run_id: int, names: Collection[str]) -> set[str]:
    """The municipalities with results or facts of these sources in the run."""
    c, k, cap = CheckResultRow, CheckKeyRow, IpomexCaptureRow
    results = select(c.cve_inegi).join(k, k.id == c.check_key).where(c.run_id == run_id, k.source.in_(names))
    queries = [results.distinct(), select(cap.cve_inegi).where(cap.run_id == run_id, cap.source.in_(names))]
    if SITE_SOURCE in names:
        queries.append(select(SiteOutcomeRow.cve_inegi).where(SiteOutcomeRow.run_id == run_id))
    return {cve for query in queries for cve in conn.scalars(query) if cve is not None}


def _copy_stage(conn: Connection, source: int, target: int, cves: list[str], names: list[str]) -> None:
    """INSERT … SELECT of one stage's rows of the cves from the source run into the target run."""
    keys = select(CheckKeyRow.id).where(CheckKeyRow.source.in_(names))
    c = CheckResultRow.__table__
    _copy(conn, c, source, target, c.c.cve_inegi.in_(cves), c.c.check_key.in_(keys))
    captures = IpomexCaptureRow.__table__
    _copy(conn, captures, source, target, captures.c.cve_inegi.in_(cves), captures.c.source.in_(names))
    if SITE_SOURCE in names:
        outcomes, logs = SiteOutcomeRow.__table__, PageLogRow.__table__
        _copy(conn, outcomes, source, target, outcomes.c.cve_inegi.in_(cves))
        _copy(conn, logs, source, target, logs.c.cve_inegi.in_(cves))
        _count_sites(conn, source, target, cves)


def _copy(conn: Connection, table: Any, source: int, target: int, *conditions: Any) -> None:
    """Copy the table's rows of the source run matching conditions as rows of the target run (new ids)."""
    columns = [col for col in table.c if col.name != "id"]
    values = [literal(target).label("run_id") if col.name == "run_id" else col for col in columns]
    rows = select(*values).where(table.c.run_id == source, *conditions)
    conn.execute(insert(table).from_select([col.name for col in columns], rows))


def _count_sites(conn: Connection, source: int, target: int, cves: list[str]) -> None:
    """Add the carried sites and their pages to the target run's counters, as recording them would."""
    o = SiteOutcomeRow
    query = select(func.count(), func.coalesce(func.sum(o.pages_ok), 0), func.coalesce(func.sum(o.pages_failed), 0))
    sites, ok, failed = conn.execute(query.where(o.run_id == source, o.cve_inegi.in_(cves))).one()
    conn.execute(
        update(RunRow)
        .where(RunRow.id == target)
        .values(
            sites_done=RunRow.sites_done + sites,
            pages_ok=RunRow.pages_ok + ok,
            pages_failed=RunRow.pages_failed + failed,
        )
    )


def _mark(conn: Connection, source: int, target: int, stage: str, cves: list[str]) -> None:
    """carried_stages rows naming the run that actually read each pair (the original one across resumes)."""
    query = select(CarriedStageRow.cve_inegi, CarriedStageRow.from_run_id).where(
        CarriedStageRow.run_id == source, CarriedStageRow.stage == stage
    )
    origin: dict[str, int] = {cve: run for cve, run in conn.execute(query)}
    rows = [
        {"run_id": target, "cve_inegi": cve, "stage": stage, "from_run_id": origin.get(cve, source)} for cve in cves
    ]
    conn.execute(insert(CarriedStageRow), rows)


def describe_unread(unread: Sequence[Unread]) -> list[str]:
    """One Spanish line per municipality × stage not read: «Acambay (15001), IPOMEX: detalle (motivo)»."""
    return [f"{u.nombre} ({u.cve_inegi}), {stage_label(u.stage)}: {u.detail} ({u.reason})" for u in unread]
