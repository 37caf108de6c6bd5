"""Reading results back: per municipality its site outcome, check results and IPOMEX capture in one run."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from checks.model import CheckResult, CrawlOutcome, Evidence, PriorRead, Status
from core.clock import LOCAL_TZ
from storage.compact import key_names
from storage.db import Database
from storage.models import (
    CheckResultRow,
    IpomexCaptureRow,
    MunicipalityRow,
    ResultDetailRow,
    RunRow,
    SiteOutcomeRow,
)
from storage.scores import score_values, stored_scores
from storage.work import unit_of_work


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
    # Site results first, then the IPOMEX ones (source != "sitio"), each in recording order.
    results: list[CheckResult] = field(default_factory=list)
    # The IPOMEX capture of the same run (a successful one when there are several): explains indeterminado fractions.
    ipomex_source: str | None = None
    ipomex_failure: str | None = None
    ipomex_failure_detail: str | None = None
    ipomex_captured_at: datetime | None = None
    # The scores stored when the run closed (storage.scores), keyed by checks.scoring.SCORE_KEYS; None if unscored.
    scores: dict[str, float | None] = field(default_factory=dict)

    @property
    def outcome(self) -> CrawlOutcome:
        """Rebuild the crawl outcome, as the check engine and reports take it."""
        return CrawlOutcome(
            start_url=self.start_url or "",
            home_url=self.home_url,
            failure=self.failure,
            failure_detail=self.failure_detail,
            pages_ok=self.pages_ok,
            pages_failed=self.pages_failed,
            truncated=self.truncated,
            https_valid=self.https_valid,
            https_error=self.https_error,
            http_redirects_to_https=self.http_redirects_to_https,
            network_suspect=self.network_suspect,
        )


_Row = tuple[SiteOutcomeRow, RunRow, MunicipalityRow]


def latest_results(
    db: Database, cves: Sequence[str] | None = None, *, kinds: Sequence[str] | None = None
) -> list[MunicipalityResults]:
    """Per municipality (all, or cves), its results in the most recent complete run that covered it."""
    if cves is not None and not cves:
        return []
    with unit_of_work(db, "leer los últimos resultados", read_only=True) as session:
        rows: list[_Row] = list(session.execute(_latest_query(cves, kinds)))
        return _with_results(session, rows)


def run_results(db: Database, run_id: int) -> list[MunicipalityResults]:
    """The municipalities recorded in one run, whatever its status, with their results."""
    with unit_of_work(db, "leer los resultados de la corrida", read_only=True) as session:
        query = _joined().where(SiteOutcomeRow.run_id == run_id).order_by(SiteOutcomeRow.cve_inegi)
        rows: list[_Row] = list(session.execute(query))
        return _with_results(session, rows)


def last_reads(db: Database, names: frozenset[str], cves: Sequence[str]) -> dict[str, PriorRead]:
    """Per municipality, its results from the sources names in the newest closed run (complete or partial) in which
    one of them captured its portal without failing: what that run read, and may be carried forward."""
    if not cves or not names:
        return {}
    with unit_of_work(db, "leer la última lectura de cada portal", read_only=True) as session:
        latest = {
            cve: (run_id, params, started) for cve, run_id, params, started in session.execute(_read_query(names, cves))
        }
        found: dict[tuple[int, str], list[CheckResult]] = defaultdict(list)
        by_run: dict[int, list[str]] = defaultdict(list)
        for cve, (run_id, _, _) in latest.items():
            by_run[run_id].append(cve)
        for run_id, chosen in by_run.items():
            _fetch_results(session, run_id, chosen, found)
    return {
        cve: PriorRead(
            run_id,
            _run_date(params, started),
            {r.check_id: r for r in found[(run_id, cve)] if r.source in names},
        )
        for cve, (run_id, params, started) in latest.items()
    }


def _read_query(names: frozenset[str], cves: Sequence[str]) -> Select[str, int, str, datetime]:
    """(cve, run id, run params, run start) of each municipality's newest closed run that read its portal."""
    rank = func.row_number().over(partition_by=IpomexCaptureRow.cve_inegi, order_by=IpomexCaptureRow.run_id.desc())
    ranked = (
        select(IpomexCaptureRow.cve_inegi, IpomexCaptureRow.run_id, rank.label("rank"))
        .join(RunRow, RunRow.id == IpomexCaptureRow.run_id)
        .where(
            IpomexCaptureRow.cve_inegi.in_(cves),
            IpomexCaptureRow.source.in_(sorted(names)),
            IpomexCaptureRow.failure.is_(None),
            RunRow.status.in_(("complete", "partial")),
        )
        .subquery()
    )
    return (
        select(ranked.c.cve_inegi, ranked.c.run_id, RunRow.params, RunRow.started_at)
        .join(RunRow, RunRow.id == ranked.c.run_id)
        .where(ranked.c.rank == 1)
    )


def _run_date(params: str | None, started: datetime) -> date:
    """The date a run judged against (its run_date parameter), else the day it started in Mexico City."""
    try:
        value = json.loads(params or "{}").get("run_date")
        return date.fromisoformat(value)
    except (ValueError, TypeError, AttributeError):
        aware = started if started.tzinfo else started.replace(tzinfo=UTC)
        return aware.astimezone(LOCAL_TZ).date()


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
    """Attach check results and IPOMEX captures, with indexed (run_id, cve_inegi) queries per run involved."""
    by_run: dict[int, list[str]] = defaultdict(list)
    for outcome, _, _ in rows:
        by_run[outcome.run_id].append(outcome.cve_inegi or "")
    found: dict[tuple[int, str], list[CheckResult]] = defaultdict(list)
    captures: dict[tuple[int, str], IpomexCaptureRow] = {}
    for run_id, cves in by_run.items():
        _fetch_results(session, run_id, cves, found)
        _fetch_captures(session, run_id, cves, captures)
    scores = stored_scores(session.connection(), [(o.run_id, o.cve_inegi or "") for o, _, _ in rows])
    items = []
    for row in rows:
        key = (row[0].run_id, row[0].cve_inegi or "")
        item = _municipality_results(row, _site_first(found.get(key, [])), captures.get(key))
        item.scores = score_values(scores.get(key))
        items.append(item)
    return items


def _fetch_results(
    session: Session, run_id: int, cves: list[str], found: dict[tuple[int, str], list[CheckResult]]
) -> None:
    """Rebuild the check results of one run for cves, in check-key order (the order checks were first recorded)."""
    c, d = CheckResultRow, ResultDetailRow
    query = (
        select(
            c.cve_inegi,
            c.check_key,
            c.status,
            d.reason,
            d.detail,
            d.evidence_url,
            d.evidence_text,
            d.law,
            d.last_update,
        )
        .join(d, d.id == c.detail_id)
        .where(c.run_id == run_id, c.cve_inegi.in_(cves))
        .order_by(c.cve_inegi, c.check_key)
    )
    names = key_names(session.connection())
    for cve, key, status, reason, detail, url, text, law, last_update in session.execute(query):
        check_id, source = names[key]
        evidence = Evidence(url, text or "") if url is not None else None
        found[(run_id, cve)].append(
            CheckResult(
                check_id,
                cast(Status, status),
                evidence=evidence,
                reason=reason,
                detail=detail,
                source=source,
                law=law,
                last_update=last_update,
            )
        )


def _site_first(results: list[CheckResult]) -> list[CheckResult]:
    # An IPOMEX capture may be recorded before the site: keep each family together, site results first.
    return sorted(results, key=lambda r: r.source != "sitio")


def _fetch_captures(
    session: Session, run_id: int, cves: list[str], captures: dict[tuple[int, str], IpomexCaptureRow]
) -> None:
    """The IPOMEX capture of one run for cves: a successful one when several sources were captured."""
    query = (
        select(IpomexCaptureRow)
        .where(IpomexCaptureRow.run_id == run_id, IpomexCaptureRow.cve_inegi.in_(cves))
        .order_by(IpomexCaptureRow.id)
    )
    for capture in session.scalars(query):
        key = (run_id, capture.cve_inegi or "")
        kept = captures.get(key)
        if kept is None or kept.failure is not None:
            captures[key] = capture


def _municipality_results(
    row: _Row, results: list[CheckResult], capture: IpomexCaptureRow | None
) -> MunicipalityResults:
    outcome, run, municipality = row
    return MunicipalityResults(
        cve_inegi=municipality.cve_inegi,
        nombre=municipality.nombre,
        poblacion_2020=municipality.poblacion_2020,
        conapo_gm_2020=municipality.conapo_gm_2020,
        region=municipality.region,
        sitio_web=municipality.sitio_web,
        run_id=run.id,
        run_started_at=run.started_at,
        run_finished_at=run.finished_at,
        start_url=outcome.start_url,
        home_url=outcome.home_url,
        failure=outcome.failure,
        failure_detail=outcome.failure_detail,
        pages_ok=outcome.pages_ok,
        pages_failed=outcome.pages_failed,
        truncated=outcome.truncated,
        seconds=outcome.seconds,
        https_valid=outcome.https_valid,
        https_error=outcome.https_error,
        http_redirects_to_https=outcome.http_redirects_to_https,
        network_suspect=outcome.network_suspect,
        results=results,
        ipomex_source=capture.source if capture else None,
        ipomex_failure=capture.failure if capture else None,
        ipomex_failure_detail=capture.failure_detail if capture else None,
        ipomex_captured_at=capture.captured_at if capture else None,
    )


def municipality_in_run(session: Session, run_id: int, cve: str) -> MunicipalityResults | None:
    """One municipality's results, outcome and stored scores in one run (None when the run did not record it)."""
    query = _joined().where(SiteOutcomeRow.run_id == run_id, SiteOutcomeRow.cve_inegi == cve)
    rows: list[_Row] = list(session.execute(query))
    items = _with_results(session, rows)
    return items[0] if items else None
