"""The dashboard's response models from storage.dashboard's rows (read-only; no SQL of its own)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from checks.catalogue import Catalogue
from checks.obligations import Obligation, ObligationCatalogue
from core.clock import LOCAL_TZ
from storage import dashboard
from storage.db import Database
from web.schemas import (
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
)

SCORE_KEYS = dashboard.SCORE_KEYS
# Alert kinds (storage.models.ALERT_KINDS) as shown on the page, with the statuses before and after the change.
ALERT_TEXT: dict[str, tuple[str, str, str]] = {
    "regresion": ("regresión", "cumple", "no_cumple"),
    "recuperacion": ("recuperación", "no_cumple", "cumple"),
    "sitio_caido": ("sitio caído", "cumple", "no_cumple"),
    "sitio_recuperado": ("sitio recuperado", "no_cumple", "cumple"),
}


def _iso(moment: datetime | None) -> str | None:
    """Stored UTC times are shown in Mexico City time, the auditors' clock (ISO 8601 with its offset)."""
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="minutes") if moment else None


def _scores(found: dict[str, float | None]) -> dict[str, float | None]:
    return {key: found.get(key) for key in SCORE_KEYS}


def ranking(db: Database, catalogue: Catalogue, obligations: ObligationCatalogue) -> list[RankingItem]:
    """Every municipality of the registry, with its latest scores and change since a month earlier (s/d if none)."""
    return [
        RankingItem(
            cve_inegi=r.cve_inegi,
            nombre=r.nombre,
            poblacion_2020=r.poblacion_2020,
            grado_marginacion=r.conapo_gm_2020,
            region=r.region,
            corrida=r.run_id,
            fecha=_iso(r.run_finished_at),
            puntajes=_scores(r.scores),
            cambio=_scores(r.change_since_month),
            cumple=r.cumple,
            no_cumple=r.no_cumple,
            indeterminado=r.indeterminado,
        )
        for r in dashboard.ranking(db)
    ]


def _label(catalogue: Catalogue, obligations: ObligationCatalogue, check_id: str) -> tuple[str, str]:
    try:
        spec = catalogue.get(check_id)
        return spec.label, spec.seed
    except KeyError:
        pass
    try:
        return obligations.get(check_id).titulo, "IPOMEX"
    except KeyError:
        return check_id, ""


def _checklist(
    page: dashboard.MunicipalityPage, catalogue: Catalogue, obligations: ObligationCatalogue
) -> list[ChecklistItem]:
    rows = []
    for item in page.checklist:
        label, area = _label(catalogue, obligations, item.check_id)
        rows.append(
            ChecklistItem(
                verificacion=item.check_id,
                etiqueta=label,
                area=area,
                estado=item.status,
                evidencia_url=item.evidence_url,
                evidencia_texto=item.evidence_text,
                detalle=item.detail,
                desde=_iso(item.first_seen),
            )
        )
    return rows


def _fractions(page: dashboard.MunicipalityPage, obligations: ObligationCatalogue) -> list[FractionItem]:
    known: dict[str, Obligation] = {o.id: o for o in obligations.obligations}
    rows = []
    for item in page.fractions:
        ob = known.get(item.check_id)
        fraccion, titulo = (f"{ob.articulo} {ob.fraccion}", ob.titulo) if ob else (item.check_id, "")
        rows.append(
            FractionItem(
                obligacion=item.check_id,
                fraccion=fraccion,
                titulo=titulo,
                estado=item.status,
                ultima_actualizacion=item.last_update.isoformat() if item.last_update else None,
            )
        )
    return rows


def _changes(alerts: Sequence[dashboard.AlertItem]) -> list[ChangeItem]:
    """Alerted regressions and recoveries (and sites down or back up), newest first."""
    changes = []
    for alert in alerts:
        kind, before, after = ALERT_TEXT.get(alert.kind, (alert.kind, "", ""))
        changes.append(
            ChangeItem(
                verificacion=alert.check_id, tipo=kind, antes=before, ahora=after, fecha=_iso(alert.created_at) or ""
            )
        )
    return changes


def municipality_page(
    db: Database, cve: str, catalogue: Catalogue, obligations: ObligationCatalogue
) -> MunicipalityResponse | None:
    """A municipality's latest checklist, score series, IPOMEX fractions and alerted changes; None if unknown."""
    page = dashboard.municipality_page(db, cve, obligations)
    if page is None:
        return None
    series = [
        ScorePoint(corrida=p.run_id, fecha=_iso(p.finished_at) or "", puntajes=_scores(p.scores)) for p in page.series
    ]
    return MunicipalityResponse(
        cve_inegi=page.cve_inegi,
        nombre=page.nombre,
        poblacion_2020=page.poblacion_2020,
        grado_marginacion=page.conapo_gm_2020,
        region=page.region,
        sitio_web=page.sitio_web,
        verificaciones=_checklist(page, catalogue, obligations),
        serie=series,
        fracciones=_fractions(page, obligations),
        cambios=_changes(page.alerts),
    )


def check_page(
    db: Database, check_id: str, catalogue: Catalogue, obligations: ObligationCatalogue
) -> CheckResponse | None:
    """Counts per run and each municipality's latest status for one check; None if unknown."""
    label, area = _label(catalogue, obligations, check_id)
    page = dashboard.check_page(db, check_id)
    if not page.latest and not area:
        return None
    rows = [
        CheckMunicipality(
            cve_inegi=s.cve_inegi,
            nombre=s.nombre,
            estado=s.status,
            evidencia_url=s.evidence_url,
            evidencia_texto=s.evidence_text,
        )
        for s in sorted(page.latest, key=lambda s: s.cve_inegi)
    ]
    series = [
        CheckCount(
            corrida=p.run_id,
            fecha=_iso(p.finished_at) or "",
            cumple=p.cumple,
            no_cumple=p.no_cumple,
            indeterminado=p.indeterminado,
        )
        for p in page.series
    ]
    return CheckResponse(verificacion=check_id, etiqueta=label, area=area, serie=series, municipios=rows)


def ipomex_matrix(db: Database, obligations: ObligationCatalogue) -> IpomexResponse:
    """Latest status of every IPOMEX obligation for every municipality ('sin_dato' where none)."""
    matrix = dashboard.ipomex_matrix(db, obligations)
    ids = list(matrix.fraction_ids)
    rows = [
        IpomexRow(
            cve_inegi=r.cve_inegi,
            nombre=r.nombre,
            estados={i: s or "sin_dato" for i, s in zip(ids, r.statuses, strict=True)},
        )
        for r in matrix.rows
    ]
    return IpomexResponse(fracciones=ids, municipios=rows)


def runs(db: Database, limit: int = 50) -> list[RunItem]:
    """The newest runs with status, duration, pages and errors."""
    return [
        RunItem(
            id=r.id,
            tipo=r.kind,
            estado=r.status,
            inicio=_iso(r.started_at) or "",
            fin=_iso(r.finished_at),
            duracion_segundos=r.duration_seconds,
            sitios=r.sites_done,
            paginas_ok=r.pages_ok,
            paginas_error=r.pages_failed,
            error=r.error,
        )
        for r in dashboard.runs(db, limit)
    ]
