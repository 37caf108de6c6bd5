"""Units of work on the Vigía database: runs, site results and IPOMEX captures (reading: storage.results)."""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, insert, select, update
from sqlalchemy.orm import Session

from checks.catalogue import Catalogue
from checks.ipomex_model import IpomexCapture
from checks.model import CheckResult, CrawlOutcome, PageRecord, SiteReport, SourceReport, Unread
from config.registry import Municipality
from core.errors import DatabaseError
from storage.compact import decode_pages, encode_pages, known_keys, record_changes, remember_keys, store_results
from storage.db import Database
from storage.manifest import write_manifest
from storage.models import IpomexCaptureRow, MunicipalityRow, PageLogRow, RunRow, SiteOutcomeRow, utcnow
from storage.process import process_alive
from storage.results import MunicipalityResults, latest_results, run_results
from storage.resume import ResumePlan, StageSources, carry_forward, store_unread
from storage.scores import store_run_scores
from storage.work import lock_running, not_running, unit_of_work

# Reading lives in storage.results; it is re-exported so that callers keep one entry point.
__all__ = [
    "FINAL_STATUSES",
    "FOREIGN_RUN_GRACE",
    "STALE_ERROR",
    "MunicipalityResults",
    "RunSummary",
    "fail_stale_runs",
    "finish_run",
    "get_run",
    "latest_results",
    "list_runs",
    "record_ipomex",
    "record_report",
    "record_site",
    "run_results",
    "site_pages",
    "start_resumed_run",
    "start_run",
]

logger = logging.getLogger("vigia.storage")

FINAL_STATUSES = ("complete", "partial", "failed")
# A failed run is never read by the reports and may be closed by fail_stale_runs, which has no catalogue.
SCORED_STATUSES = ("complete", "partial")
STALE_ERROR = "interrumpida: el proceso terminó sin cerrar la corrida"
# A run left running on another machine cannot be probed; after this long it is surely dead.
FOREIGN_RUN_GRACE = timedelta(hours=24)


@dataclass(frozen=True)
class RunSummary:
    """One run as listed to users."""

    id: int
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    sites_planned: int
    sites_done: int
    pages_ok: int
    pages_failed: int
    error: str | None
    pid: int | None
    hostname: str | None
    params: dict[str, object]
    # The partial run this one completes (vigia rastrear --reanudar).
    resumes_run_id: int | None = None


def fail_stale_runs(db: Database) -> int:
    """Mark as failed the running runs whose process is gone; return how many."""
    host, now = socket.gethostname(), utcnow()
    with unit_of_work(db, "revisar las corridas interrumpidas") as session:
        running = session.scalars(select(RunRow).where(RunRow.status == "running")).all()
        stale = [run.id for run in running if _is_stale(run, host, now)]
        if not stale:
            return 0
        done = session.execute(
            update(RunRow)
            .where(RunRow.id.in_(stale), RunRow.status == "running")
            .values(status="failed", finished_at=now, error=STALE_ERROR)
            .execution_options(synchronize_session=False)
        )
    count = cast(CursorResult[Any], done).rowcount
    if count:
        logger.warning("Se marcaron %d corridas interrumpidas como fallidas: %s", count, stale)
    return count


def _is_stale(run: RunRow, host: str, now: datetime) -> bool:
    if run.hostname != host:
        return now - run.started_at > FOREIGN_RUN_GRACE
    return run.pid is None or not process_alive(run.pid, run.started_at)


def start_run(db: Database, kind: str, municipalities: Sequence[Municipality], params: dict[str, object]) -> int:
    """Close stale runs, refresh the municipalities and open a running run; return its id."""
    fail_stale_runs(db)
    with unit_of_work(db, "registrar el inicio de la corrida") as session:
        return _open_run(session, kind, municipalities, params).id


def start_resumed_run(
    db: Database,
    plan: ResumePlan,
    municipalities: Sequence[Municipality],
    params: dict[str, object],
    stages: StageSources,
) -> tuple[int, dict[str, int]]:
    """Open a running run that resumes plan's partial run and, in the same transaction, carry forward what that run
    read (storage.resume); return the new run's id and, per stage, how many municipalities it carried."""
    fail_stale_runs(db)
    with unit_of_work(db, "registrar el inicio de la corrida que reanuda otra") as session:
        run = _open_run(session, plan.kind, municipalities, params, plan.run_id)
        return run.id, carry_forward(session, run.id, plan, stages)


def _open_run(
    session: Session,
    kind: str,
    municipalities: Sequence[Municipality],
    params: dict[str, object],
    resumes: int | None = None,
) -> RunRow:
    unique = list({m.cve_inegi: m for m in municipalities}.values())
    now = utcnow()
    _upsert_municipalities(session, unique, now)
    run = RunRow(
        kind=kind,
        started_at=now,
        status="running",
        sites_planned=len(unique),
        sites_done=0,
        pages_ok=0,
        pages_failed=0,
        pid=os.getpid(),
        hostname=socket.gethostname(),
        params=json.dumps(params, ensure_ascii=False, sort_keys=True, default=str),
        resumes_run_id=resumes,
    )
    session.add(run)
    session.flush()
    return run


def _municipality_values(m: Municipality) -> dict[str, object]:
    return {
        "nombre": m.nombre,
        "cabecera": m.cabecera,
        "poblacion_2020": m.poblacion_2020,
        "conapo_im_2020": m.conapo_im_2020,
        "conapo_gm_2020": m.conapo_gm_2020,
        "region": m.region,
        "sitio_web": m.sitio_web,
        "sitio_estado": m.sitio_estado,
    }


def _upsert_municipalities(session: Session, municipalities: Sequence[Municipality], now: datetime) -> None:
    """Insert new municipalities and update changed ones; updated_at moves only on a real change."""
    if not municipalities:
        return
    query = select(MunicipalityRow).where(MunicipalityRow.cve_inegi.in_([m.cve_inegi for m in municipalities]))
    existing = {row.cve_inegi: row for row in session.scalars(query)}
    for municipality in municipalities:
        values = _municipality_values(municipality)
        row = existing.get(municipality.cve_inegi)
        if row is None:
            session.add(MunicipalityRow(cve_inegi=municipality.cve_inegi, updated_at=now, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now


def record_report(db: Database, run_id: int, report: SourceReport) -> None:
    """Store one source's report atomically; the source's own facts, if any, go to their own table (chosen here)."""
    facts = report.facts
    if isinstance(facts, SiteReport):
        record_site(db, run_id, facts)
    elif isinstance(facts, IpomexCapture):
        record_ipomex(db, run_id, facts, report.results)
    else:
        record_results(db, run_id, report.cve_inegi, report.results)


def record_results(db: Database, run_id: int, cve: str | None, results: Sequence[CheckResult]) -> None:
    """Store the results of a source that keeps no facts of its own, atomically."""
    with unit_of_work(db, "guardar los resultados de la fuente") as session:
        lock_running(session, run_id)
        keys = _store_results(db, session, run_id, cve, results)
    remember_keys(db.engine, keys)


def record_site(db: Database, run_id: int, report: SiteReport) -> None:
    """Store one site's outcome, page log and check results and bump the run counters, atomically."""
    now = utcnow()
    with unit_of_work(db, "guardar los resultados del sitio") as session:
        _bump_counters(session, run_id, report.outcome)
        _refuse_duplicate(session, run_id, report.cve_inegi)
        session.add(_outcome_row(run_id, report, now))
        if report.pages:
            data = encode_pages(report.pages, report.rendered)
            session.execute(insert(PageLogRow).values(run_id=run_id, cve_inegi=report.cve_inegi, data=data))
        keys = _store_results(db, session, run_id, report.cve_inegi, report.results)
    remember_keys(db.engine, keys)


def _store_results(
    db: Database, session: Session, run_id: int, cve: str | None, results: Sequence[CheckResult]
) -> dict[tuple[str, str], int]:
    if not results:
        return {}
    if cve is None:
        # History is kept per municipality; an ad-hoc site's results live only in its report.
        logger.info("No se guardan %d resultados de un sitio sin clave en la corrida %d", len(results), run_id)
        return {}
    return store_results(session.connection(), run_id, cve, results, known_keys(db.engine))


def site_pages(db: Database, run_id: int, cve: str | None) -> list[PageRecord]:
    """The pages recorded for one site (None: the ad-hoc sites) in one run, in crawl order."""
    query = select(PageLogRow.data).where(PageLogRow.run_id == run_id).order_by(PageLogRow.id)
    query = query.where(PageLogRow.cve_inegi.is_(None) if cve is None else PageLogRow.cve_inegi == cve)
    with unit_of_work(db, "leer las páginas del sitio", read_only=True) as session:
        return [page for data in session.scalars(query) for page in decode_pages(data)]


def _bump_counters(session: Session, run_id: int, outcome: CrawlOutcome) -> None:
    # Increment in SQL so that concurrent writers of the same run never lose a count.
    done = session.execute(
        update(RunRow)
        .where(RunRow.id == run_id, RunRow.status == "running")
        .values(
            sites_done=RunRow.sites_done + 1,
            pages_ok=RunRow.pages_ok + outcome.pages_ok,
            pages_failed=RunRow.pages_failed + outcome.pages_failed,
        )
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], done).rowcount == 0:
        raise not_running(session, run_id)


def _refuse_duplicate(session: Session, run_id: int, cve: str | None) -> None:
    if cve is None:
        return
    query = select(SiteOutcomeRow.id).where(SiteOutcomeRow.run_id == run_id, SiteOutcomeRow.cve_inegi == cve)
    if session.scalar(query) is not None:
        raise DatabaseError(f"El municipio {cve} ya tiene resultados en la corrida {run_id}; no se registra dos veces.")


def _outcome_row(run_id: int, report: SiteReport, now: datetime) -> SiteOutcomeRow:
    o = report.outcome
    return SiteOutcomeRow(
        run_id=run_id,
        cve_inegi=report.cve_inegi,
        start_url=report.start_url or o.start_url,
        home_url=o.home_url,
        failure=o.failure,
        failure_detail=o.failure_detail,
        pages_ok=o.pages_ok,
        pages_failed=o.pages_failed,
        truncated=o.truncated,
        seconds=report.seconds,
        https_valid=o.https_valid,
        https_error=o.https_error,
        http_redirects_to_https=o.http_redirects_to_https,
        network_suspect=o.network_suspect,
        recorded_at=now,
    )


def record_ipomex(db: Database, run_id: int, capture: IpomexCapture, results: Sequence[CheckResult]) -> None:
    """Store one municipality's capture from one source and its obligation results, atomically."""
    strays = sorted({r.source for r in results} - {capture.source})
    if strays:
        raise ValueError(f"results from {strays} cannot be recorded with a {capture.source!r} capture")
    with unit_of_work(db, "guardar la captura del portal de transparencia") as session:
        lock_running(session, run_id)
        _refuse_duplicate_capture(session, run_id, capture)
        session.add(_capture_row(run_id, capture))
        keys = _store_results(db, session, run_id, capture.cve_inegi, results)
    remember_keys(db.engine, keys)


def _refuse_duplicate_capture(session: Session, run_id: int, capture: IpomexCapture) -> None:
    if capture.cve_inegi is None:
        return
    query = select(IpomexCaptureRow.id).where(
        IpomexCaptureRow.run_id == run_id,
        IpomexCaptureRow.cve_inegi == capture.cve_inegi,
        IpomexCaptureRow.source == capture.source,
    )
    if session.scalar(query) is not None:
        raise DatabaseError(
            f"El municipio {capture.cve_inegi} ya tiene una captura de {capture.source} en la corrida {run_id}; "
            "no se registra dos veces."
        )


def _capture_row(run_id: int, capture: IpomexCapture) -> IpomexCaptureRow:
    read = sum(1 for page in capture.fractions if page.state != "error")
    return IpomexCaptureRow(
        run_id=run_id,
        cve_inegi=capture.cve_inegi,
        source=capture.source,
        index_url=capture.index_url,
        captured_at=capture.captured_at,
        failure=capture.failure,
        failure_detail=capture.failure_detail,
        fractions_read=read,
        browser_pages=capture.browser_pages,
    )


def finish_run(
    db: Database,
    run_id: int,
    status: str,
    error: str | None = None,
    *,
    catalogue: Catalogue,
    unread: Sequence[Unread] = (),
) -> None:
    """Close a running run as complete, partial or failed, in one transaction with what closing writes: what it did
    not read, a complete run's status changes, a complete or partial run's scores under catalogue (a failed run is
    never scored), and a complete run's link of the evidence chain (storage.manifest)."""
    if status not in FINAL_STATUSES:
        raise ValueError(f"final status must be one of {FINAL_STATUSES}, not {status!r}")
    now = utcnow()
    with unit_of_work(db, "cerrar la corrida") as session:
        done = session.execute(
            update(RunRow)
            .where(RunRow.id == run_id, RunRow.status == "running")
            .values(status=status, error=error, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], done).rowcount == 0:
            raise not_running(session, run_id)
        store_unread(session.connection(), run_id, unread)
        if status == "complete":
            record_changes(session.connection(), run_id)
        if status in SCORED_STATUSES:
            store_run_scores(session.connection(), run_id, catalogue, now)
        if status == "complete":
            write_manifest(session.connection(), run_id, now)


def list_runs(db: Database, limit: int = 20) -> list[RunSummary]:
    """The most recent runs, newest first."""
    with unit_of_work(db, "listar las corridas", read_only=True) as session:
        query = select(RunRow).order_by(RunRow.started_at.desc(), RunRow.id.desc()).limit(limit)
        return [_summary(run) for run in session.scalars(query)]


def get_run(db: Database, run_id: int) -> RunSummary | None:
    """One run by id, or None if there is no such run."""
    with unit_of_work(db, "leer la corrida", read_only=True) as session:
        run = session.get(RunRow, run_id)
        return _summary(run) if run is not None else None


def _summary(run: RunRow) -> RunSummary:
    try:
        params = json.loads(run.params or "{}")
    except ValueError:
        params = {"_raw": run.params}
    return RunSummary(
        id=run.id,
        kind=run.kind,
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        sites_planned=run.sites_planned,
        sites_done=run.sites_done,
        pages_ok=run.pages_ok,
        pages_failed=run.pages_failed,
        error=run.error,
        pid=run.pid,
        hostname=run.hostname,
        params=params if isinstance(params, dict) else {"_raw": params},
        resumes_run_id=run.resumes_run_id,
    )
