"""Units of work on the Vigía database: runs, site results and the latest results per municipality."""

from __future__ import annotations

import json
import logging
import os
import socket
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Select, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from checks.model import CheckResult, CrawlOutcome, Evidence, PageRecord, SiteReport, Status
from config.registry import Municipality
from storage.db import Database
from storage.models import (
    CheckResultRow,
    MunicipalityRow,
    PageRow,
    RunRow,
    SiteOutcomeRow,
    utcnow,
)
from storage.process import process_alive
from vigia.errors import DatabaseError

logger = logging.getLogger("vigia.storage")

FINAL_STATUSES = ("complete", "partial", "failed")
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


@dataclass
class MunicipalityResults:
    """A municipality's results in one run, with how its crawl went."""

    cve_inegi: str
    nombre: str
    poblacion_2020: int
    conapo_gm_2020: str | None
    region: str | None
    sitio_web: str | None
    run_id: int
    run_started_at: datetime
    # Never None for complete runs; None only for a run_results() of a run still going.
    run_finished_at: datetime | None
    start_url: str | None
    home_url: str | None
    failure: str | None
    failure_detail: str | None
    pages_ok: int
    pages_failed: int
    truncated: bool
    seconds: float
    https_valid: bool | None = None
    https_error: str | None = None
    http_redirects_to_https: bool | None = None
    network_suspect: bool = False
    results: list[CheckResult] = field(default_factory=list)

    @property
    def outcome(self) -> CrawlOutcome:
        """Rebuild the crawl outcome, as the check engine and reports take it."""
        return CrawlOutcome(
            start_url=self.start_url or "", home_url=self.home_url, failure=self.failure,
            failure_detail=self.failure_detail, pages_ok=self.pages_ok, pages_failed=self.pages_failed,
            truncated=self.truncated, https_valid=self.https_valid, https_error=self.https_error,
            http_redirects_to_https=self.http_redirects_to_https, network_suspect=self.network_suspect,
        )


@contextmanager
def _unit_of_work(db: Database, action: str, read_only: bool = False) -> Iterator[Session]:
    """One transaction; driver failures become a Spanish DatabaseError naming the action."""
    factory = db.ReadSession if read_only else db.Session
    try:
        with factory.begin() as session:
            yield session
    except SQLAlchemyError as exc:
        logger.error("Falló «%s» en la base de datos %s", action, db.url, exc_info=exc)
        lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        cause = lines[0] if lines else type(exc).__name__
        raise DatabaseError(f"No se pudo {action} en la base de datos «{db.url}» ({cause}): {_hint(exc)}.") from exc


def _hint(exc: SQLAlchemyError) -> str:
    """What the user can do about a failed unit of work."""
    if isinstance(exc, IntegrityError):
        return "los datos no cumplen las reglas de la base (¿un municipio que no se registró al iniciar la corrida?)"
    if "locked" in str(exc):
        return "otro proceso la mantiene bloqueada desde hace más de 30 s; espere a que termine y reintente"
    return "revise que haya espacio en disco y que la base siga disponible"


def fail_stale_runs(db: Database) -> int:
    """Mark as failed the running runs whose process is gone; return how many."""
    host, now = socket.gethostname(), utcnow()
    with _unit_of_work(db, "revisar las corridas interrumpidas") as session:
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
    unique = list({m.cve_inegi: m for m in municipalities}.values())
    now = utcnow()
    with _unit_of_work(db, "registrar el inicio de la corrida") as session:
        _upsert_municipalities(session, unique, now)
        run = RunRow(
            kind=kind, started_at=now, status="running", sites_planned=len(unique), sites_done=0,
            pages_ok=0, pages_failed=0, pid=os.getpid(), hostname=socket.gethostname(),
            params=json.dumps(params, ensure_ascii=False, sort_keys=True, default=str),
        )
        session.add(run)
        session.flush()
        return run.id


def _municipality_values(m: Municipality) -> dict[str, object]:
    return {
        "nombre": m.nombre, "cabecera": m.cabecera, "poblacion_2020": m.poblacion_2020,
        "conapo_im_2020": m.conapo_im_2020, "conapo_gm_2020": m.conapo_gm_2020, "region": m.region,
        "sitio_web": m.sitio_web, "sitio_estado": m.sitio_estado,
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


def record_site(db: Database, run_id: int, report: SiteReport) -> None:
    """Store one site's outcome, pages and check results and bump the run counters, atomically."""
    now = utcnow()
    with _unit_of_work(db, "guardar los resultados del sitio") as session:
        _bump_counters(session, run_id, report.outcome)
        _refuse_duplicate(session, run_id, report.cve_inegi)
        session.add(_outcome_row(run_id, report, now))
        if report.pages:
            session.execute(insert(PageRow), [_page_values(run_id, report.cve_inegi, p) for p in report.pages])
        if report.results:
            rows = [_result_values(run_id, report.cve_inegi, r, now) for r in report.results]
            session.execute(insert(CheckResultRow), rows)


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
        raise _not_running(session, run_id)


def _not_running(session: Session, run_id: int) -> DatabaseError:
    status = session.scalar(select(RunRow.status).where(RunRow.id == run_id))
    if status is None:
        return DatabaseError(f"La corrida {run_id} no existe en la base de datos.")
    return DatabaseError(f"La corrida {run_id} ya no está en curso (estado: {status}); no se puede modificar.")


def _refuse_duplicate(session: Session, run_id: int, cve: str | None) -> None:
    if cve is None:
        return
    query = select(SiteOutcomeRow.id).where(SiteOutcomeRow.run_id == run_id, SiteOutcomeRow.cve_inegi == cve)
    if session.scalar(query) is not None:
        raise DatabaseError(f"El municipio {cve} ya tiene resultados en la corrida {run_id}; no se registra dos veces.")


def _outcome_row(run_id: int, report: SiteReport, now: datetime) -> SiteOutcomeRow:
    o = report.outcome
    return SiteOutcomeRow(
        run_id=run_id, cve_inegi=report.cve_inegi, start_url=report.start_url or o.start_url,
        home_url=o.home_url, failure=o.failure, failure_detail=o.failure_detail, pages_ok=o.pages_ok,
        pages_failed=o.pages_failed, truncated=o.truncated, seconds=report.seconds, https_valid=o.https_valid,
        https_error=o.https_error, http_redirects_to_https=o.http_redirects_to_https,
        network_suspect=o.network_suspect, recorded_at=now,
    )


def _page_values(run_id: int, cve: str | None, page: PageRecord) -> dict[str, object]:
    return {
        "run_id": run_id, "cve_inegi": cve, "url": page.url, "final_url": page.final_url, "status": page.status,
        "content_hash": page.content_hash, "depth": page.depth, "error": page.error, "kind": page.kind,
    }


def _result_values(run_id: int, cve: str | None, result: CheckResult, now: datetime) -> dict[str, object]:
    evidence = result.evidence
    return {
        "run_id": run_id, "cve_inegi": cve, "check_id": result.check_id, "status": result.status,
        "reason": result.reason, "detail": result.detail, "created_at": now,
        "evidence_url": evidence.url if evidence else None, "evidence_text": evidence.text if evidence else None,
    }


def finish_run(db: Database, run_id: int, status: str, error: str | None = None) -> None:
    """Close a running run as complete, partial or failed."""
    if status not in FINAL_STATUSES:
        raise ValueError(f"final status must be one of {FINAL_STATUSES}, not {status!r}")
    with _unit_of_work(db, "cerrar la corrida") as session:
        done = session.execute(
            update(RunRow)
            .where(RunRow.id == run_id, RunRow.status == "running")
            .values(status=status, error=error, finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], done).rowcount == 0:
            raise _not_running(session, run_id)


_Row = tuple[SiteOutcomeRow, RunRow, MunicipalityRow]


def latest_results(
    db: Database, cves: Sequence[str] | None = None, *, kinds: Sequence[str] | None = None
) -> list[MunicipalityResults]:
    """Per municipality (all, or cves), its results in the most recent complete run that covered it."""
    if cves is not None and not cves:
        return []
    with _unit_of_work(db, "leer los últimos resultados", read_only=True) as session:
        rows: list[_Row] = list(session.execute(_latest_query(cves, kinds)))
        return _with_results(session, rows)


def run_results(db: Database, run_id: int) -> list[MunicipalityResults]:
    """The municipalities recorded in one run, whatever its status, with their results."""
    with _unit_of_work(db, "leer los resultados de la corrida", read_only=True) as session:
        query = _joined().where(SiteOutcomeRow.run_id == run_id).order_by(SiteOutcomeRow.cve_inegi)
        rows: list[_Row] = list(session.execute(query))
        return _with_results(session, rows)


def _joined() -> Select[SiteOutcomeRow, RunRow, MunicipalityRow]:
    return (
        select(SiteOutcomeRow, RunRow, MunicipalityRow)
        .join(RunRow, RunRow.id == SiteOutcomeRow.run_id)
        .join(MunicipalityRow, MunicipalityRow.cve_inegi == SiteOutcomeRow.cve_inegi)
    )


def _latest_query(
    cves: Sequence[str] | None, kinds: Sequence[str] | None
) -> Select[SiteOutcomeRow, RunRow, MunicipalityRow]:
    """Rank each municipality's outcomes in complete runs, newest run first, and keep the first."""
    rank = func.row_number().over(
        partition_by=SiteOutcomeRow.cve_inegi, order_by=(RunRow.started_at.desc(), RunRow.id.desc())
    )
    ranked = (
        select(SiteOutcomeRow.id.label("outcome_id"), rank.label("rank"))
        .join(RunRow, RunRow.id == SiteOutcomeRow.run_id)
        .where(RunRow.status == "complete", SiteOutcomeRow.cve_inegi.is_not(None))
    )
    if cves is not None:
        ranked = ranked.where(SiteOutcomeRow.cve_inegi.in_(cves))
    if kinds is not None:
        ranked = ranked.where(RunRow.kind.in_(kinds))
    latest = ranked.subquery()
    return (
        _joined()
        .join(latest, latest.c.outcome_id == SiteOutcomeRow.id)
        .where(latest.c.rank == 1)
        .order_by(SiteOutcomeRow.cve_inegi)
    )


def _with_results(session: Session, rows: list[_Row]) -> list[MunicipalityResults]:
    """Attach check results, fetched with one indexed (run_id, cve_inegi) query per run involved."""
    by_run: dict[int, list[str]] = defaultdict(list)
    for outcome, _, _ in rows:
        by_run[outcome.run_id].append(outcome.cve_inegi or "")
    found: dict[tuple[int, str], list[CheckResult]] = defaultdict(list)
    for run_id, cves in by_run.items():
        query = (
            select(CheckResultRow.cve_inegi, CheckResultRow.check_id, CheckResultRow.status, CheckResultRow.reason,
                   CheckResultRow.detail, CheckResultRow.evidence_url, CheckResultRow.evidence_text)
            .where(CheckResultRow.run_id == run_id, CheckResultRow.cve_inegi.in_(cves))
            .order_by(CheckResultRow.id)
        )
        for cve, check_id, status, reason, detail, url, text in session.execute(query):
            evidence = Evidence(url, text or "") if url is not None else None
            found[(run_id, cve or "")].append(
                CheckResult(check_id, cast(Status, status), evidence=evidence, reason=reason, detail=detail)
            )
    return [_municipality_results(row, found.get((row[0].run_id, row[0].cve_inegi or ""), [])) for row in rows]


def _municipality_results(row: _Row, results: list[CheckResult]) -> MunicipalityResults:
    outcome, run, municipality = row
    return MunicipalityResults(
        cve_inegi=municipality.cve_inegi, nombre=municipality.nombre, poblacion_2020=municipality.poblacion_2020,
        conapo_gm_2020=municipality.conapo_gm_2020, region=municipality.region, sitio_web=municipality.sitio_web,
        run_id=run.id, run_started_at=run.started_at, run_finished_at=run.finished_at,
        start_url=outcome.start_url, home_url=outcome.home_url, failure=outcome.failure,
        failure_detail=outcome.failure_detail, pages_ok=outcome.pages_ok, pages_failed=outcome.pages_failed,
        truncated=outcome.truncated, seconds=outcome.seconds, https_valid=outcome.https_valid,
        https_error=outcome.https_error, http_redirects_to_https=outcome.http_redirects_to_https,
        network_suspect=outcome.network_suspect, results=results,
    )


def list_runs(db: Database, limit: int = 20) -> list[RunSummary]:
    """The most recent runs, newest first."""
    with _unit_of_work(db, "listar las corridas", read_only=True) as session:
        query = select(RunRow).order_by(RunRow.started_at.desc(), RunRow.id.desc()).limit(limit)
        return [_summary(run) for run in session.scalars(query)]


def get_run(db: Database, run_id: int) -> RunSummary | None:
    """One run by id, or None if there is no such run."""
    with _unit_of_work(db, "leer la corrida", read_only=True) as session:
        run = session.get(RunRow, run_id)
        return _summary(run) if run is not None else None


def _summary(run: RunRow) -> RunSummary:
    try:
        params = json.loads(run.params or "{}")
    except ValueError:
        params = {"_raw": run.params}
    return RunSummary(
        id=run.id, kind=run.kind, status=run.status, started_at=run.started_at, finished_at=run.finished_at,
        sites_planned=run.sites_planned, sites_done=run.sites_done, pages_ok=run.pages_ok,
        pages_failed=run.pages_failed, error=run.error, pid=run.pid, hostname=run.hostname,
        params=params if isinstance(params, dict) else {"_raw": params},
    )
