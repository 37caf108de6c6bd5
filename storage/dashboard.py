"""Read-only queries of the auditors' dashboard, over complete runs only, returning storage.page_rows models."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from checks.catalogue import Catalogue
from checks.model import Unread, stage_label
from checks.obligations import ObligationCatalogue
from checks.reasons import is_read
from checks.scoring import OVERALL, SCORE_KEYS, SITE_SOURCE, AreaScore
from storage.archived import NO_LINKS, ArchiveLinks, archive_links, screenshots_of
from storage.dashboard_series import (
    check_label,
    check_page,
    ipomex_matrix,
    newest_complete_run,
    ranked_runs,
    score_series,
    status_since,
)
from storage.db import Database
from storage.models import (
    AlertEventRow,
    CheckKeyRow,
    CheckResultRow,
    MunicipalityRow,
    ResultDetailRow,
    RunRow,
    SiteOutcomeRow,
)
from storage.page_rows import (
    ChangeItem,
    CheckCount,
    ChecklistItem,
    CheckMunicipality,
    CheckResponse,
    FractionItem,
    IpomexResponse,
    IpomexRow,
    MunicipalityResponse,
    RankingItem,
    RunItem,
    ScorePoint,
    UnreadItem,
)
from storage.resume import ResumeLinks, resume_links, unread_of
from storage.scores import score_values, stored_scores
from storage.work import unit_of_work

__all__ = [
    "ALERT_TEXT",
    "MONTH",
    "SCORE_KEYS",
    "ChangeItem",
    "CheckCount",
    "CheckMunicipality",
    "CheckResponse",
    "ChecklistItem",
    "FractionItem",
    "IpomexResponse",
    "IpomexRow",
    "MunicipalityResponse",
    "RankingItem",
    "RunItem",
    "ScorePoint",
    "check_page",
    "ipomex_matrix",
    "municipality_page",
    "ranking",
    "runs",
]

# change_since_month compares with the latest complete run finished at least this long before the latest one.
MONTH = timedelta(days=30)
# Alert kinds (storage.models.ALERT_KINDS) as shown on the page, with the statuses before and after the change.
ALERT_TEXT: dict[str, tuple[str, str, str]] = {
    "regresion": ("regresión", "cumple", "no_cumple"),
    "recuperacion": ("recuperación", "no_cumple", "cumple"),
    "sitio_caido": ("sitio caído", "cumple", "no_cumple"),
    "sitio_recuperado": ("sitio recuperado", "no_cumple", "cumple"),
}


def ranking(db: Database) -> list[RankingItem]:
    """Every municipality with its latest complete run's stored scores; ranked by total, unscored last."""
    with unit_of_work(db, "leer la clasificación", read_only=True) as session:
        latest = session.execute(_latest_with_municipalities()).all()
        month_ago = _month_ago(session, [(row.cve_inegi, row.finished_at) for row in latest if row.run_id])
        pairs = [(row.run_id, row.cve_inegi) for row in latest if row.run_id]
        scores = stored_scores(session.connection(), pairs + [(run_id, cve) for cve, run_id in month_ago.items()])
    rows = [_ranking_row(row, month_ago.get(row.cve_inegi), scores) for row in latest]
    return sorted(rows, key=lambda r: (r.scores["total"] is None, -(r.scores["total"] or 0.0), r.nombre))


def _latest_with_municipalities() -> Any:
    m = MunicipalityRow
    return (
        select(
            m.cve_inegi,
            m.nombre,
            m.poblacion_2020,
            m.conapo_gm_2020,
            m.region,
            RunRow.id.label("run_id"),
            RunRow.finished_at,
        )
        .outerjoin(RunRow, RunRow.id == newest_complete_run(m.cve_inegi))
        .order_by(m.cve_inegi)
    )


def _month_ago(session: Session, latest: Sequence[tuple[str, datetime | None]]) -> dict[str, int]:
    """Per cve, the newest complete run covering it finished at least MONTH before its latest one."""
    cutoffs: dict[datetime, list[str]] = defaultdict(list)
    for cve, finished_at in latest:
        if finished_at is not None:
            cutoffs[finished_at - MONTH].append(cve)
    found: dict[str, int] = {}
    m = MunicipalityRow
    for cutoff, cves in cutoffs.items():
        older = newest_complete_run(m.cve_inegi, RunRow.finished_at <= cutoff)
        query = select(m.cve_inegi, older).where(m.cve_inegi.in_(cves))
        found.update({cve: run_id for cve, run_id in session.execute(query) if run_id is not None})
    return found


def _cve_in(cves: list[str]) -> ColumnElement[bool]:
    return SiteOutcomeRow.cve_inegi.in_(cves)


def _ranking_row(
    row: Any, month_ago_run: int | None, stored: dict[tuple[int, str], dict[str, AreaScore]]
) -> RankingItem:
    current = stored.get((row.run_id, row.cve_inegi)) if row.run_id else None
    scores = score_values(current)
    before = score_values(stored.get((month_ago_run, row.cve_inegi))) if month_ago_run else None
    change = {key: _difference(scores[key], before[key] if before else None) for key in SCORE_KEYS}
    # The site counts are those of the overall score: every site check of the catalogue the run was scored with.
    counts = (current or {}).get(OVERALL) or AreaScore(None, 0, 0, 0)
    return RankingItem(
        cve_inegi=row.cve_inegi,
        nombre=row.nombre,
        poblacion_2020=row.poblacion_2020,
        conapo_gm_2020=row.conapo_gm_2020,
        region=row.region,
        run_id=row.run_id,
        run_finished_at=row.finished_at,
        scores=scores,
        change_since_month=change,
        cumple=counts.cumple,
        no_cumple=counts.no_cumple,
        indeterminado=counts.indeterminado,
        month_ago_run_id=month_ago_run,
    )


def _difference(now: float | None, before: float | None) -> float | None:
    return round(now - before, 1) if now is not None and before is not None else None


def municipality_page(
    db: Database, cve: str, catalogue: Catalogue, obligations: ObligationCatalogue
) -> MunicipalityResponse | None:
    """The municipality's checklist, score series, IPOMEX fractions and alerts; None if it is unknown."""
    with unit_of_work(db, "leer la página del municipio", read_only=True) as session:
        m = session.get(MunicipalityRow, cve)
        if m is None:
            return None
        latest = ranked_runs(_cve_in([cve]))
        run = session.execute(select(latest.c.run_id, latest.c.finished_at).where(latest.c.rank == 1)).first()
        rows = _current_rows(session, cve, run.run_id) if run else []
        first_seen = status_since(session, cve, run.run_id) if run else {}
        links = archive_links(session, run.run_id, cve) if run else NO_LINKS
        alerts = _alerts(session, cve)
        shots = screenshots_of(session, cve, {a.run_id for a in alerts})
        return MunicipalityResponse(
            cve_inegi=m.cve_inegi,
            nombre=m.nombre,
            poblacion_2020=m.poblacion_2020,
            conapo_gm_2020=m.conapo_gm_2020,
            region=m.region,
            sitio_web=m.sitio_web,
            checklist=tuple(
                _checklist_item(r, first_seen, catalogue, obligations, links) for r in rows if r.source == SITE_SOURCE
            ),
            series=tuple(score_series(session, cve)),
            fractions=tuple(_fraction_item(r, obligations) for r in rows if r.source != SITE_SOURCE),
            alerts=tuple(
                a.model_copy(update={"screenshot_id": shots.get((a.run_id, a.evidence_url or ""))}) for a in alerts
            ),
            home_screenshot_id=links.home_screenshot(),
            run_id=run.run_id if run else None,
            run_finished_at=run.finished_at if run else None,
        )


def _current_rows(session: Session, cve: str, run_id: int) -> list[Any]:
    c, k, d = CheckResultRow, CheckKeyRow, ResultDetailRow
    query = (
        select(k.check_id, k.source, c.status, d.reason, d.detail, d.evidence_url, d.evidence_text, d.last_update)
        .join(k, k.id == c.check_key)
        .join(d, d.id == c.detail_id)
        .where(c.run_id == run_id, c.cve_inegi == cve)
        .order_by(c.check_key)
    )
    return list(session.execute(query))


def _checklist_item(
    row: Any,
    first_seen: dict[tuple[str, str], datetime | None],
    catalogue: Catalogue,
    obligations: ObligationCatalogue,
    links: ArchiveLinks = NO_LINKS,
) -> ChecklistItem:
    label, area = check_label(catalogue, obligations, row.check_id)
    url = row.evidence_url
    return ChecklistItem(
        check_id=row.check_id,
        label=label,
        area=area,
        status=row.status,
        evidence_url=row.evidence_url,
        evidence_text=row.evidence_text,
        detail=row.detail,
        # A result that was not read this night has no «since»: its status says nothing about the site.
        first_seen=first_seen.get((row.check_id, row.source)) if is_read(row.status, row.reason) else None,
        source=row.source,
        reason=row.reason,
        archive_id=links.copies.get(url) if url else None,
        screenshot_id=links.screenshots.get(url) if url else None,
    )


def _fraction_item(row: Any, obligations: ObligationCatalogue) -> FractionItem:
    known = {o.id: o for o in obligations.obligations}.get(row.check_id)
    return FractionItem(
        check_id=row.check_id,
        fraccion=f"{known.articulo} {known.fraccion}" if known else row.check_id,
        titulo=known.titulo if known else "",
        status=row.status,
        last_update=row.last_update,
        reason=row.reason,
        detail=row.detail,
        source=row.source,
    )


def _alerts(session: Session, cve: str, limit: int = 200) -> list[ChangeItem]:
    a = AlertEventRow
    query = (
        select(a.kind, a.check_id, a.run_id, a.created_at, a.evidence_url)
        .where(a.cve_inegi == cve)
        .order_by(a.created_at.desc(), a.id.desc())
        .limit(limit)
    )
    return [_alert_item(*row) for row in session.execute(query)]


def _alert_item(kind: str, check_id: str, run_id: int, created_at: datetime, url: str | None) -> ChangeItem:
    label, before, after = ALERT_TEXT.get(kind, (kind, "", ""))
    return ChangeItem(
        check_id=check_id,
        label=label,
        before=before,
        after=after,
        created_at=created_at,
        kind=kind,
        run_id=run_id,
        evidence_url=url,
    )


def runs(db: Database, limit: int = 200) -> list[RunItem]:
    """The most recent runs of any status, newest first, with what each did not read and how resumes link them."""
    r = RunRow
    query = (
        select(r.id, r.kind, r.status, r.started_at, r.finished_at, r.sites_done, r.pages_ok, r.pages_failed, r.error)
        .add_columns(r.resumes_run_id)
        .order_by(r.started_at.desc(), r.id.desc())
        .limit(limit)
    )
    with unit_of_work(db, "listar las corridas", read_only=True) as session:
        rows = session.execute(query).all()
        ids = [row.id for row in rows]
        unread, links = unread_of(session.connection(), ids), resume_links(session.connection(), ids)
    return [_run_item(row, unread.get(row.id, []), links) for row in rows]


def _run_item(row: Any, unread: Sequence[Unread], links: ResumeLinks) -> RunItem:
    return RunItem(
        id=row.id,
        kind=row.kind,
        status=row.status,
        started_at=row.started_at,
        finished_at=row.finished_at,
        duration_seconds=(row.finished_at - row.started_at).total_seconds() if row.finished_at else None,
        sites_done=row.sites_done,
        pages_ok=row.pages_ok,
        pages_failed=row.pages_failed,
        error=row.error,
        unread=tuple(
            UnreadItem(
                cve_inegi=u.cve_inegi,
                nombre=u.nombre,
                stage=u.stage,
                reason=u.reason,
                detail=u.detail,
                stage_label=stage_label(u.stage),
            )
            for u in unread
        ),
        resumes_run_id=row.resumes_run_id,
        resumed_by=links.resumed_by.get(row.id),
        carried=links.carried.get(row.id, 0),
    )
