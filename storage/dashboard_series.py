"""Dashboard queries over time and across municipalities: score series, one check's page, the IPOMEX matrix."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from checks.catalogue import Catalogue
from checks.obligations import ObligationCatalogue
from checks.scoring import PRECEDENCE, SITE_SOURCE, precedence_rank
from storage.compact import key_names
from storage.db import Database
from storage.models import (
    CheckKeyRow,
    CheckResultRow,
    MunicipalityRow,
    ResultChangeRow,
    ResultDetailRow,
    RunRow,
    SiteOutcomeRow,
)
from storage.page_rows import CheckCount, CheckMunicipality, CheckResponse, IpomexResponse, IpomexRow, ScorePoint
from storage.reads import ReadResults
from storage.scores import score_history, values
from storage.work import unit_of_work


def ranked_runs(*conditions: ColumnElement[bool]) -> Subquery:
    """Complete runs covering each municipality (cve_inegi, run_id, started_at, finished_at), rank 1 = newest."""
    rank = func.row_number().over(
        partition_by=SiteOutcomeRow.cve_inegi, order_by=(RunRow.started_at.desc(), RunRow.id.desc())
    )
    return (
        select(
            SiteOutcomeRow.cve_inegi, SiteOutcomeRow.run_id, RunRow.started_at, RunRow.finished_at, rank.label("rank")
        )
        .join(RunRow, RunRow.id == SiteOutcomeRow.run_id)
        .where(RunRow.status == "complete", SiteOutcomeRow.cve_inegi.is_not(None), *conditions)
        .subquery()
    )


def newest_complete_run(cve: Any, *conditions: ColumnElement[bool]) -> Any:
    """Correlated: id of the newest complete run (started_at, then id) covering cve; walks ix_runs_status_started_at
    newest first and stops at the first run with a site outcome for cve."""
    return (
        select(SiteOutcomeRow.run_id)
        .join(RunRow, RunRow.id == SiteOutcomeRow.run_id)
        .where(SiteOutcomeRow.cve_inegi == cve, RunRow.status == "complete", *conditions)
        .order_by(RunRow.started_at.desc(), RunRow.id.desc())
        .limit(1)
        .correlate(MunicipalityRow)
        .scalar_subquery()
    )


def latest_runs() -> Subquery:
    """Each municipality's newest complete run (cve_inegi, run_id); run_id is NULL when none covered it."""
    m = MunicipalityRow
    return select(m.cve_inegi, newest_complete_run(m.cve_inegi).label("run_id")).subquery()


# The matrix's status of a fraction without any result in the municipality's latest complete run.
NO_DATA = "sin_dato"


def status_since(session: Session, cve: str, run_id: int) -> dict[tuple[str, str], datetime | None]:
    """Per (check, source) of cve read up to run_id: when its current status began, i.e. the finish of the run of
    its last change (the change log, storage.compact) or else of the first complete run that read it."""
    conn, ch = session.connection(), ResultChangeRow
    read = ReadResults()
    r = read.results
    first = read.select(r.c.check_key, func.min(r.c.run_id)).where(r.c.cve_inegi == cve, r.c.run_id <= run_id)
    changed = select(ch.check_key, func.max(ch.run_id)).where(ch.cve_inegi == cve, ch.run_id <= run_id)
    since: dict[int, int] = {key: run for key, run in conn.execute(first.group_by(r.c.check_key))}
    since.update({key: run for key, run in conn.execute(changed.group_by(ch.check_key))})
    finished = {
        found: at
        for found, at in conn.execute(select(RunRow.id, RunRow.finished_at).where(RunRow.id.in_(set(since.values()))))
    }
    names = key_names(conn)
    return {names[key]: finished.get(run) for key, run in since.items()}


def score_series(session: Session, cve: str) -> list[ScorePoint]:
    """One point per complete run covering cve, oldest first, with the scores stored when the run closed."""
    runs = (
        select(RunRow.id, RunRow.finished_at)
        .join(SiteOutcomeRow, SiteOutcomeRow.run_id == RunRow.id)
        .where(RunRow.status == "complete", SiteOutcomeRow.cve_inegi == cve)
        .order_by(RunRow.started_at, RunRow.id)
    )
    found = session.execute(runs).all()
    stored = score_history(session.connection(), cve, [run_id for run_id, _ in found])
    return [
        ScorePoint(run_id=run_id, finished_at=finished_at, scores=stored.get(run_id) or values(None))
        for run_id, finished_at in found
    ]


def check_label(catalogue: Catalogue, obligations: ObligationCatalogue, check_id: str) -> tuple[str, str]:
    """(label, area) of a site check or an IPOMEX obligation; (check_id, "") when neither knows it."""
    try:
        spec = catalogue.get(check_id)
        return spec.label, spec.seed
    except KeyError:
        pass
    try:
        return obligations.get(check_id).titulo, "IPOMEX"
    except KeyError:
        return check_id, ""


def check_page(
    db: Database, check_id: str, catalogue: Catalogue, obligations: ObligationCatalogue
) -> CheckResponse | None:
    """Counts per status for one check in every complete run, and each municipality's latest status (by clave);
    None for a check that neither the catalogues nor the results know."""
    label, area = check_label(catalogue, obligations, check_id)
    with unit_of_work(db, "leer el historial del check", read_only=True) as session:
        series, latest = _check_series(session, check_id), _check_latest(session, check_id)
    if not latest and not area:
        return None
    latest.sort(key=lambda s: s.cve_inegi)
    return CheckResponse(check_id=check_id, label=label, area=area, series=tuple(series), latest=tuple(latest))


def _check_series(session: Session, check_id: str) -> list[CheckCount]:
    """GROUP BY run and status over one primary-key range per municipality; other runs are dropped afterwards."""
    c = CheckResultRow
    complete = dict(
        session.execute(
            select(RunRow.id, RunRow.finished_at)
            .where(RunRow.status == "complete")
            .order_by(RunRow.started_at, RunRow.id)
        ).all()
    )
    # No condition on runs here: it would let the planner drive the scan from runs, one index search per run.
    query = (
        select(c.run_id, c.status, func.count())
        .where(c.cve_inegi.in_(select(MunicipalityRow.cve_inegi)), c.check_key.in_(_keys_of(session, check_id)))
        .group_by(c.run_id, c.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for run_id, status, n in session.execute(query):
        if run_id in complete:
            counts.setdefault(run_id, {})[status] = n
    return [
        CheckCount(
            run_id=run_id,
            finished_at=finished_at,
            cumple=found.get("cumple", 0),
            no_cumple=found.get("no_cumple", 0),
            indeterminado=found.get("indeterminado", 0),
            no_aplica=found.get("no_aplica", 0),
        )
        for run_id, finished_at in complete.items()
        if (found := counts.get(run_id)) is not None
    ]


def _check_latest(session: Session, check_id: str) -> list[CheckMunicipality]:
    """The check's result in each municipality's latest complete run (site results before IPOMEX ones)."""
    c, d = CheckResultRow, ResultDetailRow
    names = dict(session.execute(select(MunicipalityRow.cve_inegi, MunicipalityRow.nombre)).all())
    keys = _keys_of(session, check_id)
    sources = dict(session.execute(select(CheckKeyRow.id, CheckKeyRow.source).where(CheckKeyRow.id.in_(keys))).all())
    rows: list[Any] = []
    for run_id, cves in by_run(latest_pairs(session)).items():
        query = (
            select(c.cve_inegi, c.run_id, c.status, d.reason, d.evidence_url, c.check_key, d.evidence_text)
            .join(d, d.id == c.detail_id)
            .where(c.run_id == run_id, c.cve_inegi.in_(cves), c.check_key.in_(keys))
        )
        rows += session.execute(query).all()
    rows.sort(key=lambda r: (r.cve_inegi, precedence_rank(r.status), r.check_key))
    found: dict[str, Any] = {}
    texts: dict[str, str | None] = {}
    for row in rows:
        found.setdefault(row.cve_inegi, row)
        texts[row.cve_inegi] = texts.get(row.cve_inegi) or row.evidence_text
    return [
        CheckMunicipality(
            cve_inegi=cve,
            nombre=names[cve],
            status=row.status,
            evidence_url=row.evidence_url,
            evidence_text=texts.get(cve),
            run_id=row.run_id,
            reason=row.reason,
            source=sources.get(row.check_key, "sitio"),
        )
        for cve, row in found.items()
    ]


def latest_pairs(session: Session) -> list[tuple[int, str]]:
    """(run_id, cve) of each municipality's newest complete run; computed first so that result reads stay
    indexed (joined to results, the planner would evaluate the correlated subquery per result row)."""
    latest = latest_runs()
    query = select(latest.c.run_id, latest.c.cve_inegi).where(latest.c.run_id.is_not(None))
    return [(run_id, cve) for run_id, cve in session.execute(query)]


def ipomex_matrix(db: Database, obligations: ObligationCatalogue) -> IpomexResponse:
    """Every municipality × every fraction of the catalogue, in its latest complete run."""
    ids = tuple(o.id for o in obligations.obligations)
    with unit_of_work(db, "leer la matriz de obligaciones", read_only=True) as session:
        municipalities = session.execute(
            select(MunicipalityRow.cve_inegi, MunicipalityRow.nombre).order_by(MunicipalityRow.cve_inegi)
        ).all()
        runs, statuses = _latest_fractions(session)
    rows = tuple(
        IpomexRow(
            cve_inegi=cve,
            nombre=nombre,
            statuses={i: statuses.get((cve, i), NO_DATA) for i in ids},
            run_id=runs.get(cve),
        )
        for cve, nombre in municipalities
    )
    labels = tuple(o.fraccion for o in obligations.obligations)
    return IpomexResponse(fraction_ids=ids, rows=rows, fraction_labels=labels)


def _latest_fractions(session: Session) -> tuple[dict[str, int], dict[tuple[str, str], str]]:
    """Latest complete run per municipality, and its best fraction status per (cve, fraction id)."""
    c = CheckResultRow
    names = key_names(session.connection())
    ipomex = [key for key, (_, source) in names.items() if source != SITE_SOURCE]
    pairs = latest_pairs(session)
    best: dict[tuple[str, str], int] = {}
    for run_id, cves in by_run(pairs).items():
        query = select(c.cve_inegi, c.check_key, c.status).where(
            c.run_id == run_id, c.cve_inegi.in_(cves), c.check_key.in_(ipomex)
        )
        for cve, key, status in session.execute(query):
            # Several sources of one fraction: the most favourable verdict stands.
            pair, rank = (cve, names[key][0]), precedence_rank(status)
            best[pair] = min(rank, best.get(pair, rank))
    runs = {cve: run_id for run_id, cve in pairs}
    return runs, {pair: PRECEDENCE[rank] for pair, rank in best.items() if rank < len(PRECEDENCE)}


def _keys_of(session: Session, check_id: str) -> list[int]:
    """The keys of one check id (one per source that reported it)."""
    return list(session.scalars(select(CheckKeyRow.id).where(CheckKeyRow.check_id == check_id)))


def by_run(pairs: Sequence[tuple[int, str]]) -> dict[int, list[str]]:
    """Group (run_id, cve) pairs by run, for index-friendly per-run IN lists."""
    grouped: dict[int, list[str]] = defaultdict(list)
    for run_id, cve in pairs:
        grouped[run_id].append(cve)
    return grouped
