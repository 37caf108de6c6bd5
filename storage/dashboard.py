"""Read-only queries of the auditors' dashboard, over complete runs only, returning plain frozen dataclasses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from checks.catalogue import Catalogue
from checks.model import CheckResult, Status
from checks.obligations import ObligationCatalogue
from checks.scoring import SITE_SOURCE, area_scores, transparency_index
from storage.dashboard_series import (
    SCORE_KEYS,
    CheckCount,
    CheckPage,
    CheckStatus,
    IpomexMatrix,
    MatrixRow,
    ScorePoint,
    by_run,
    check_page,
    ipomex_matrix,
    ranked_runs,
    score_series,
)
from storage.db import Database
from storage.models import AlertEventRow, CheckResultRow, MunicipalityRow, RunRow, SiteOutcomeRow
from storage.work import unit_of_work

__all__ = [
    "MONTH", "SCORE_KEYS", "AlertItem", "CheckCount", "CheckPage", "CheckStatus", "ChecklistItem", "FractionItem",
    "IpomexMatrix", "MatrixRow", "MunicipalityPage", "RankingRow", "RunItem", "ScorePoint", "check_page",
    "ipomex_matrix", "municipality_page", "ranking", "runs",
]

# change_since_month compares with the latest complete run finished at least this long before the latest one.
MONTH = timedelta(days=30)


@dataclass(frozen=True)
class RankingRow:
    """One municipality in the ranking: scores of its latest complete run and their change in a month."""

    cve_inegi: str
    nombre: str
    poblacion_2020: int
    conapo_gm_2020: str | None
    region: str | None
    run_id: int | None
    run_finished_at: datetime | None
    scores: dict[str, float | None]
    cumple: int
    no_cumple: int
    indeterminado: int
    month_ago_run_id: int | None
    change_since_month: dict[str, float | None]


@dataclass(frozen=True)
class ChecklistItem:
    """One result of the latest complete run, with when its current status was first seen in a row."""

    check_id: str
    source: str
    status: str
    reason: str | None
    detail: str | None
    evidence_url: str | None
    evidence_text: str | None
    first_seen: datetime | None


@dataclass(frozen=True)
class FractionItem:
    """One IPOMEX obligation result of the latest complete run, labelled from the obligations catalogue."""

    check_id: str
    fraccion: str | None
    titulo: str | None
    source: str
    status: str
    last_update: date | None
    reason: str | None


@dataclass(frozen=True)
class AlertItem:
    """One alerted regression or recovery of the municipality (site down/up events included)."""

    kind: str
    check_id: str
    run_id: int
    created_at: datetime
    evidence_url: str | None


@dataclass(frozen=True)
class MunicipalityPage:
    """Everything the municipality page shows."""

    cve_inegi: str
    nombre: str
    poblacion_2020: int
    conapo_gm_2020: str | None
    region: str | None
    sitio_web: str | None
    run_id: int | None
    run_finished_at: datetime | None
    checklist: tuple[ChecklistItem, ...]
    series: tuple[ScorePoint, ...]
    fractions: tuple[FractionItem, ...]
    alerts: tuple[AlertItem, ...]


@dataclass(frozen=True)
class RunItem:
    """One run as listed on the dashboard."""

    id: int
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    sites_done: int
    pages_ok: int
    pages_failed: int
    error: str | None


def ranking(db: Database, catalogue: Catalogue, obligations: ObligationCatalogue) -> list[RankingRow]:
    """Every municipality with its latest complete run's scores; ranked by total, unscored last."""
    del obligations  # the index counts every recorded fraction, as the CLI report does
    with unit_of_work(db, "leer la clasificación", read_only=True) as session:
        latest = session.execute(_latest_with_municipalities()).all()
        month_ago = _month_ago(session, [(row.cve_inegi, row.finished_at) for row in latest if row.run_id])
        pairs = [(row.run_id, row.cve_inegi) for row in latest if row.run_id]
        results = _site_and_ipomex(session, pairs + [(run_id, cve) for cve, run_id in month_ago.items()])
    rows = [_ranking_row(row, month_ago.get(row.cve_inegi), results, catalogue) for row in latest]
    return sorted(rows, key=lambda r: (r.scores["total"] is None, -(r.scores["total"] or 0.0), r.nombre))


def _latest_with_municipalities() -> Any:
    latest = ranked_runs()
    m = MunicipalityRow
    return (
        select(m.cve_inegi, m.nombre, m.poblacion_2020, m.conapo_gm_2020, m.region, latest.c.run_id,
               latest.c.finished_at)
        .outerjoin(latest, and_(latest.c.cve_inegi == m.cve_inegi, latest.c.rank == 1))
        .order_by(m.cve_inegi)
    )


def _month_ago(session: Session, latest: Sequence[tuple[str, datetime | None]]) -> dict[str, int]:
    """Per cve, the newest complete run covering it finished at least MONTH before its latest one."""
    cutoffs: dict[datetime, list[str]] = defaultdict(list)
    for cve, finished_at in latest:
        if finished_at is not None:
            cutoffs[finished_at - MONTH].append(cve)
    if not cutoffs:
        return {}
    conditions: list[ColumnElement[bool]] = [
        and_(RunRow.finished_at <= cutoff, _cve_in(cves))
        for cutoff, cves in cutoffs.items()
    ]
    older = ranked_runs(or_(*conditions))
    query = select(older.c.cve_inegi, older.c.run_id).where(older.c.rank == 1)
    return {cve: run_id for cve, run_id in session.execute(query)}


def _cve_in(cves: list[str]) -> ColumnElement[bool]:
    return SiteOutcomeRow.cve_inegi.in_(cves)


def _site_and_ipomex(session: Session, pairs: Sequence[tuple[int, str]]) -> dict[tuple[int, str], list[CheckResult]]:
    """The results (scoring columns only) of the given (run, cve) pairs, grouped per run for the index."""
    found: dict[tuple[int, str], list[CheckResult]] = defaultdict(list)
    if not pairs:
        return found
    c = CheckResultRow
    conditions = [and_(c.run_id == run_id, c.cve_inegi.in_(cves)) for run_id, cves in by_run(pairs).items()]
    query = select(c.run_id, c.cve_inegi, c.check_id, c.status, c.source).where(or_(*conditions))
    for run_id, cve, check_id, status, source in session.execute(query):
        found[(run_id, cve or "")].append(CheckResult(check_id, cast(Status, status), source=source))
    return found


def _scores(results: list[CheckResult], catalogue: Catalogue) -> dict[str, float | None]:
    """The report's score keys, computed by checks.scoring."""
    scores = {key: value.score for key, value in area_scores(results, catalogue).items()}
    scores["ipomex"] = transparency_index(results).score
    return {key: scores.get(key) for key in SCORE_KEYS}


def _ranking_row(row: Any, month_ago_run: int | None, results: dict[tuple[int, str], list[CheckResult]],
                 catalogue: Catalogue) -> RankingRow:
    current = results.get((row.run_id, row.cve_inegi), []) if row.run_id else []
    scores = _scores(current, catalogue) if row.run_id else dict.fromkeys(SCORE_KEYS)
    before = _scores(results.get((month_ago_run, row.cve_inegi), []), catalogue) if month_ago_run else None
    change = {key: _difference(scores[key], before[key] if before else None) for key in SCORE_KEYS}
    site = [r.status for r in current if r.source == SITE_SOURCE]
    return RankingRow(
        row.cve_inegi, row.nombre, row.poblacion_2020, row.conapo_gm_2020, row.region, row.run_id, row.finished_at,
        scores, site.count("cumple"), site.count("no_cumple"), site.count("indeterminado"), month_ago_run, change,
    )


def _difference(now: float | None, before: float | None) -> float | None:
    return round(now - before, 1) if now is not None and before is not None else None


def municipality_page(db: Database, cve: str, catalogue: Catalogue,
                      obligations: ObligationCatalogue) -> MunicipalityPage | None:
    """The municipality's checklist, score series, IPOMEX fractions and alerts; None if it is unknown."""
    with unit_of_work(db, "leer la página del municipio", read_only=True) as session:
        municipality = session.get(MunicipalityRow, cve)
        if municipality is None:
            return None
        latest = ranked_runs(_cve_in([cve]))
        run = session.execute(select(latest.c.run_id, latest.c.finished_at).where(latest.c.rank == 1)).first()
        rows = _current_rows(session, cve, run.run_id) if run else []
        first_seen = _first_seen(session, cve)
        series = score_series(session, cve, catalogue)
        alerts = _alerts(session, cve)
        m = municipality
        return MunicipalityPage(
            m.cve_inegi, m.nombre, m.poblacion_2020, m.conapo_gm_2020, m.region, m.sitio_web,
            run.run_id if run else None, run.finished_at if run else None,
            tuple(_checklist_item(r, first_seen) for r in rows if r.source == SITE_SOURCE),
            tuple(series), tuple(_fraction_item(r, obligations) for r in rows if r.source != SITE_SOURCE),
            tuple(alerts),
        )


def _current_rows(session: Session, cve: str, run_id: int) -> list[Any]:
    c = CheckResultRow
    query = (
        select(c.check_id, c.source, c.status, c.reason, c.detail, c.evidence_url, c.evidence_text, c.last_update)
        .where(c.run_id == run_id, c.cve_inegi == cve)
        .order_by(c.id)
    )
    return list(session.execute(query))


def _first_seen(session: Session, cve: str) -> dict[tuple[str, str], datetime | None]:
    """Per (check, source): finish time of the run that began its current streak of one status."""
    c = CheckResultRow
    part = (c.check_id, c.source)
    previous = func.lag(c.status).over(partition_by=part, order_by=(RunRow.started_at, RunRow.id))
    steps = (
        select(c.check_id, c.source, c.status, RunRow.started_at, RunRow.id.label("run_id"), RunRow.finished_at,
               previous.label("previous"))
        .join(RunRow, RunRow.id == c.run_id)
        .where(c.cve_inegi == cve, RunRow.status == "complete")
        .subquery()
    )
    newest = func.row_number().over(partition_by=(steps.c.check_id, steps.c.source),
                                    order_by=(steps.c.started_at.desc(), steps.c.run_id.desc()))
    changes = (
        select(steps.c.check_id, steps.c.source, steps.c.finished_at, newest.label("rank"))
        .where(or_(steps.c.previous.is_(None), steps.c.previous != steps.c.status))
        .subquery()
    )
    query = select(changes.c.check_id, changes.c.source, changes.c.finished_at).where(changes.c.rank == 1)
    return {(check_id, source): finished for check_id, source, finished in session.execute(query)}


def _checklist_item(row: Any, first_seen: dict[tuple[str, str], datetime | None]) -> ChecklistItem:
    return ChecklistItem(row.check_id, row.source, row.status, row.reason, row.detail, row.evidence_url,
                         row.evidence_text, first_seen.get((row.check_id, row.source)))


def _fraction_item(row: Any, obligations: ObligationCatalogue) -> FractionItem:
    known = {o.id: o for o in obligations.obligations}.get(row.check_id)
    return FractionItem(row.check_id, known.fraccion if known else None, known.titulo if known else None,
                        row.source, row.status, row.last_update, row.reason)


def _alerts(session: Session, cve: str, limit: int = 200) -> list[AlertItem]:
    a = AlertEventRow
    query = (
        select(a.kind, a.check_id, a.run_id, a.created_at, a.evidence_url)
        .where(a.cve_inegi == cve)
        .order_by(a.created_at.desc(), a.id.desc())
        .limit(limit)
    )
    return [AlertItem(*row) for row in session.execute(query)]


def runs(db: Database, limit: int = 200) -> list[RunItem]:
    """The most recent runs of any status, newest first."""
    r = RunRow
    query = (
        select(r.id, r.kind, r.status, r.started_at, r.finished_at, r.sites_done, r.pages_ok, r.pages_failed,
               r.error)
        .order_by(r.started_at.desc(), r.id.desc())
        .limit(limit)
    )
    with unit_of_work(db, "listar las corridas", read_only=True) as session:
        rows = session.execute(query).all()
    return [
        RunItem(row.id, row.kind, row.status, row.started_at, row.finished_at,
                (row.finished_at - row.started_at).total_seconds() if row.finished_at else None,
                row.sites_done, row.pages_ok, row.pages_failed, row.error)
        for row in rows
    ]
