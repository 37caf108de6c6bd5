"""Dashboard queries over time and across municipalities: score series, one check's page, the IPOMEX matrix."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Subquery, and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from checks.catalogue import Catalogue
from checks.obligations import ObligationCatalogue
from checks.scoring import AREAS, OVERALL, SITE_SOURCE
from storage.db import Database
from storage.models import CheckResultRow, MunicipalityRow, RunRow, SiteOutcomeRow
from storage.work import unit_of_work

# "ipomex" is the transparency index of the IPOMEX obligations, as in the CLI report.
SCORE_KEYS = (*AREAS, OVERALL, "ipomex")
# Same precedence as checks.scoring: with several IPOMEX sources, the most favourable verdict stands.
PRECEDENCE = ("cumple", "no_aplica", "no_cumple", "indeterminado")


@dataclass(frozen=True)
class ScorePoint:
    """A municipality's scores (0–100, None when nothing was definitive) in one complete run."""

    run_id: int
    finished_at: datetime | None
    scores: dict[str, float | None]


@dataclass(frozen=True)
class CheckCount:
    """How many municipalities got each status for one check in one complete run."""

    run_id: int
    finished_at: datetime | None
    cumple: int
    no_cumple: int
    indeterminado: int
    no_aplica: int


@dataclass(frozen=True)
class CheckStatus:
    """A municipality's status for one check in its latest complete run."""

    cve_inegi: str
    nombre: str
    run_id: int
    status: str
    reason: str | None
    evidence_url: str | None


@dataclass(frozen=True)
class CheckPage:
    """One check: counts per complete run (oldest first) and the latest status per municipality."""

    check_id: str
    series: tuple[CheckCount, ...]
    latest: tuple[CheckStatus, ...]


@dataclass(frozen=True)
class MatrixRow:
    """One municipality's fraction statuses (aligned with IpomexMatrix.fraction_ids; None = no result)."""

    cve_inegi: str
    nombre: str
    run_id: int | None
    statuses: tuple[str | None, ...]


@dataclass(frozen=True)
class IpomexMatrix:
    """Municipalities × IPOMEX fractions, from each municipality's latest complete run."""

    fraction_ids: tuple[str, ...]
    fraction_labels: tuple[str, ...]
    rows: tuple[MatrixRow, ...]


def ranked_runs(*conditions: ColumnElement[bool]) -> Subquery:
    """Complete runs covering each municipality (cve_inegi, run_id, started_at, finished_at), rank 1 = newest."""
    rank = func.row_number().over(
        partition_by=SiteOutcomeRow.cve_inegi, order_by=(RunRow.started_at.desc(), RunRow.id.desc())
    )
    return (
        select(SiteOutcomeRow.cve_inegi, SiteOutcomeRow.run_id, RunRow.started_at, RunRow.finished_at,
               rank.label("rank"))
        .join(RunRow, RunRow.id == SiteOutcomeRow.run_id)
        .where(RunRow.status == "complete", SiteOutcomeRow.cve_inegi.is_not(None), *conditions)
        .subquery()
    )


def score(passed: float, definitive: float) -> float | None:
    """The share of cumple among definitive results, rounded as checks.scoring does."""
    return round(100.0 * passed / definitive, 1) if definitive > 0 else None


def _precedence(status: Any) -> Any:
    return case({s: i for i, s in enumerate(PRECEDENCE)}, value=status, else_=len(PRECEDENCE))


# A municipality's results per complete run: run_id -> [(check_id, source, status)].
History = dict[int, list[tuple[str, str, str]]]


def complete_history(session: Session, cve: str) -> tuple[list[tuple[int, datetime | None]], History]:
    """Complete runs (id, finished_at), oldest first, and cve's results in each of them.

    Read run by run through ix_check_results_run_cve: one municipality's rows of a run are adjacent in the table,
    whereas following ix_check_results_cve_check_run would visit a different table page for almost every row.
    """
    complete = select(RunRow.id).where(RunRow.status == "complete")
    runs = [(run_id, finished_at) for run_id, finished_at in session.execute(
        select(RunRow.id, RunRow.finished_at).where(RunRow.status == "complete")
        .order_by(RunRow.started_at, RunRow.id))]
    c = CheckResultRow
    query = select(c.run_id, c.check_id, c.source, c.status).where(c.cve_inegi == cve, c.run_id.in_(complete))
    history: History = defaultdict(list)
    for run_id, check_id, source, status in session.connection().execute(query):
        history[run_id].append((check_id, source, status))
    return runs, history


def score_series(session: Session, cve: str, catalogue: Catalogue, history: History) -> list[ScorePoint]:
    """One point per complete run covering cve, oldest first (site sums weighted by catalogue, in SQL)."""
    runs = select(RunRow.id, RunRow.finished_at).join(SiteOutcomeRow, SiteOutcomeRow.run_id == RunRow.id).where(
        RunRow.status == "complete", SiteOutcomeRow.cve_inegi == cve).order_by(RunRow.started_at, RunRow.id)
    site = _site_sums(session, cve, catalogue)
    ipomex = _ipomex_counts(history)
    points = []
    for run_id, finished_at in session.execute(runs):
        sums = site.get(run_id, {})
        scores = {area: score(*sums.get(area, (0.0, 0.0))) for area in AREAS}
        scores[OVERALL] = score(sum(p for p, _ in sums.values()), sum(d for _, d in sums.values()))
        scores["ipomex"] = score(*ipomex.get(run_id, (0.0, 0.0)))
        points.append(ScorePoint(run_id, finished_at, scores))
    return points


def _site_sums(session: Session, cve: str, catalogue: Catalogue) -> dict[int, dict[str, tuple[float, float]]]:
    """Per run and area: (weighted cumple, weighted cumple + no_cumple) of the site checks."""
    specs = catalogue.site_checks()
    c = CheckResultRow
    seed = case({s.id: s.seed for s in specs}, value=c.check_id)
    weight = case({s.id: s.weight for s in specs}, value=c.check_id, else_=0.0)
    query = (
        select(c.run_id, seed, c.status, func.sum(weight))
        .join(RunRow, RunRow.id == c.run_id)
        .where(c.cve_inegi == cve, RunRow.status == "complete", c.source == SITE_SOURCE,
               c.check_id.in_([s.id for s in specs]), c.status.in_(("cumple", "no_cumple")))
        .group_by(c.run_id, seed, c.status)
    )
    sums: dict[int, dict[str, tuple[float, float]]] = defaultdict(dict)
    for run_id, area, status, total in session.execute(query):
        passed, definitive = sums[run_id].get(area, (0.0, 0.0))
        sums[run_id][area] = (passed + (total if status == "cumple" else 0.0), definitive + total)
    return sums


def _ipomex_counts(history: History) -> dict[int, tuple[float, float]]:
    """Per run: (fractions cumple, fractions cumple + no_cumple), the best verdict across sources."""
    ranks = {status: i for i, status in enumerate(PRECEDENCE)}
    worst = len(PRECEDENCE)
    cumple, no_cumple = PRECEDENCE.index("cumple"), PRECEDENCE.index("no_cumple")
    counts: dict[int, tuple[float, float]] = {}
    for run_id, results in history.items():
        best: dict[str, int] = {}
        for check_id, source, status in results:
            if source != SITE_SOURCE:
                rank = ranks.get(status, worst)
                if rank < best.get(check_id, worst + 1):
                    best[check_id] = rank
        found = list(best.values())
        passed, definitive = found.count(cumple), found.count(cumple) + found.count(no_cumple)
        if definitive:
            counts[run_id] = (float(passed), float(definitive))
    return counts


def check_page(db: Database, check_id: str) -> CheckPage:
    """Counts per status for one check in every complete run, and each municipality's latest status."""
    with unit_of_work(db, "leer el historial del check", read_only=True) as session:
        return CheckPage(check_id, tuple(_check_series(session, check_id)), tuple(_check_latest(session, check_id)))


def _check_series(session: Session, check_id: str) -> list[CheckCount]:
    """GROUP BY run and status; cve IN (municipalities) lets the (cve, check, run) index drive the scan."""
    c = CheckResultRow
    query = (
        select(c.run_id, RunRow.finished_at, c.status, func.count())
        .join(RunRow, RunRow.id == c.run_id)
        .where(c.cve_inegi.in_(select(MunicipalityRow.cve_inegi)), c.check_id == check_id,
               RunRow.status == "complete")
        .group_by(c.run_id, RunRow.started_at, RunRow.finished_at, c.status)
        .order_by(RunRow.started_at, c.run_id)
    )
    counts: dict[int, dict[str, int]] = {}
    finished: dict[int, datetime | None] = {}
    for run_id, finished_at, status, n in session.execute(query):
        finished[run_id] = finished_at
        counts.setdefault(run_id, {})[status] = n
    return [
        CheckCount(run_id, finished[run_id], found.get("cumple", 0), found.get("no_cumple", 0),
                   found.get("indeterminado", 0), found.get("no_aplica", 0))
        for run_id, found in counts.items()
    ]


def _check_latest(session: Session, check_id: str) -> list[CheckStatus]:
    """The check's result in each municipality's latest complete run (site results before IPOMEX ones)."""
    latest = ranked_runs()
    c = CheckResultRow
    query = (
        select(c.cve_inegi, MunicipalityRow.nombre, c.run_id, c.status, c.reason, c.evidence_url)
        .join(latest, and_(latest.c.run_id == c.run_id, latest.c.cve_inegi == c.cve_inegi, latest.c.rank == 1))
        .join(MunicipalityRow, MunicipalityRow.cve_inegi == c.cve_inegi)
        .where(c.check_id == check_id)
        .order_by(c.cve_inegi, _precedence(c.status), c.id)
    )
    found: dict[str, CheckStatus] = {}
    for cve, nombre, run_id, status, reason, url in session.execute(query):
        found.setdefault(cve or "", CheckStatus(cve or "", nombre, run_id, status, reason, url))
    return list(found.values())


def ipomex_matrix(db: Database, obligations: ObligationCatalogue) -> IpomexMatrix:
    """Every municipality × every fraction of the catalogue, in its latest complete run."""
    ids = tuple(o.id for o in obligations.obligations)
    with unit_of_work(db, "leer la matriz de obligaciones", read_only=True) as session:
        municipalities = session.execute(
            select(MunicipalityRow.cve_inegi, MunicipalityRow.nombre).order_by(MunicipalityRow.cve_inegi)).all()
        runs, statuses = _latest_fractions(session)
    rows = tuple(
        MatrixRow(cve, nombre, runs.get(cve), tuple(statuses.get((cve, i)) for i in ids))
        for cve, nombre in municipalities
    )
    return IpomexMatrix(ids, tuple(o.fraccion for o in obligations.obligations), rows)


def _latest_fractions(session: Session) -> tuple[dict[str, int], dict[tuple[str, str], str]]:
    """Latest complete run per municipality, and its best fraction status per (cve, fraction id)."""
    latest = ranked_runs()
    c = CheckResultRow
    query = (
        select(latest.c.cve_inegi, latest.c.run_id, c.check_id, func.min(_precedence(c.status)))
        .outerjoin(c, and_(c.run_id == latest.c.run_id, c.cve_inegi == latest.c.cve_inegi,
                           c.source != SITE_SOURCE))
        .where(latest.c.rank == 1)
        .group_by(latest.c.cve_inegi, latest.c.run_id, c.check_id)
    )
    runs: dict[str, int] = {}
    statuses: dict[tuple[str, str], str] = {}
    for cve, run_id, check_id, rank in session.execute(query):
        runs[cve] = run_id
        if check_id is not None and rank < len(PRECEDENCE):
            statuses[(cve, check_id)] = PRECEDENCE[rank]
    return runs, statuses


def by_run(pairs: Sequence[tuple[int, str]]) -> dict[int, list[str]]:
    """Group (run_id, cve) pairs by run, for index-friendly per-run IN lists."""
    grouped: dict[int, list[str]] = defaultdict(list)
    for run_id, cve in pairs:
        grouped[run_id].append(cve)
    return grouped
