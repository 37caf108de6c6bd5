"""What discovery found and what auditors decided about each municipality's official presence (the database side).

Config (config/municipios.csv, sujetos_pnt.csv, sitios_candidatos.csv) holds what an operator writes and wins;
the database holds what was discovered (discovery runs, identity proofs of candidates, crosswalk facts) and what
auditors decided (confirm, reject, no site) with every official URL's validity period. Everything is append-only
except official_sites.valid_to, set once when a period closes: confirming a new URL closes the current one and opens
the new one in the same transaction; rejecting the current URL, or declaring that there is no site, closes it.
storage/site_types.py holds the shapes and input rules; storage/site_registry.py merges both sides (the crosswalk,
the effective registry).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from config.crosswalk import CAMPOS
from core.clock import people_datetime
from storage.db import Database
from storage.site_models import (
    ORIGENES,
    PRESENCIAS,
    VEREDICTOS,
    CrosswalkFactRow,
    DiscoveryRunRow,
    OfficialSiteRow,
    SiteCandidateRow,
    SiteDecisionRow,
)
from storage.site_types import (
    CandidateView,
    Decision,
    Evidencia,
    OfficialSite,
    Proof,
    SiteError,
    check_administration,
    check_auditor,
    check_choice,
    check_cve,
    check_moment,
    normalize_url,
)
from storage.work import unit_of_work


def record_discovery(db: Database, municipalities: Sequence[str], options: Mapping[str, object], at: datetime) -> int:
    """Open a discovery run over these claves with these options; return its id."""
    row = DiscoveryRunRow(
        started_at=check_moment(at),
        finished_at=None,
        municipalities=json.dumps([check_cve(c) for c in municipalities]),
        options=json.dumps(dict(options), ensure_ascii=False, sort_keys=True, default=str),
    )
    with unit_of_work(db, "registrar una corrida de descubrimiento") as session:
        session.add(row)
        session.flush()
        return row.id


def finish_discovery(db: Database, run_id: int, at: datetime) -> None:
    """Close a discovery run."""
    with unit_of_work(db, "cerrar una corrida de descubrimiento") as session:
        run = session.get(DiscoveryRunRow, run_id)
        if run is None:
            raise SiteError(f"La corrida de descubrimiento {run_id} no existe en la base de datos.")
        run.finished_at = check_moment(at)


def _proof_row(proof: Proof, run_id: int | None) -> SiteCandidateRow:
    evidence = [{"code": e.code, "points": int(e.points), "texto": e.texto} for e in proof.evidencias]
    return SiteCandidateRow(
        discovery_run_id=run_id,
        cve_inegi=check_cve(proof.cve_inegi),
        url=normalize_url(proof.url),
        final_url=proof.final_url or None,
        origen=check_choice("El origen", proof.origen, ORIGENES),
        origen_detalle=proof.origen_detalle,
        score=int(proof.score),
        veredicto=check_choice("El veredicto", proof.veredicto, VEREDICTOS),
        alarma=proof.alarma,
        evidencias=json.dumps(evidence, ensure_ascii=False),
        presencia=check_choice("La presencia", proof.presencia, PRESENCIAS),
        checked_at=check_moment(proof.checked_at),
    )


def record_proofs(db: Database, proofs: Iterable[Proof], discovery_run_id: int | None = None) -> list[int]:
    """Store identity proofs of candidates in one transaction; return their ids."""
    rows = [_proof_row(p, discovery_run_id) for p in proofs]
    with unit_of_work(db, "guardar las pruebas de identidad de los candidatos") as session:
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def record_proof(db: Database, proof: Proof, discovery_run_id: int | None = None) -> int:
    """Store one identity proof of a candidate; return its id."""
    return record_proofs(db, [proof], discovery_run_id)[0]


def record_crosswalk_fact(
    db: Database, cve: str, campo: str, valor: str, fuente: str, fecha: date | None, at: datetime
) -> int:
    """Store an identifier discovery found for a municipality (origen «descubrimiento»); return its id."""
    if not valor.strip() or not fuente.strip():
        raise SiteError("Un dato del cruce necesita valor y fuente.")
    row = CrosswalkFactRow(
        cve_inegi=check_cve(cve),
        campo=check_choice("El campo del cruce", campo, CAMPOS),
        valor=valor.strip(),
        fuente=fuente.strip(),
        fecha=fecha,
        origen="descubrimiento",
        recorded_at=check_moment(at),
    )
    with unit_of_work(db, "guardar un dato del cruce de identificadores") as session:
        session.add(row)
        session.flush()
        return row.id


def _site(row: OfficialSiteRow, auditor: str) -> OfficialSite:
    return OfficialSite(
        row.id,
        row.cve_inegi,
        row.url,
        row.presencia,
        row.valid_from,
        row.valid_to,
        row.administracion,
        row.decision_id,
        auditor,
    )


def _sites_with_auditor() -> Select[OfficialSiteRow, str]:
    return select(OfficialSiteRow, SiteDecisionRow.auditor).join(
        SiteDecisionRow, SiteDecisionRow.id == OfficialSiteRow.decision_id
    )


def _decision(row: SiteDecisionRow) -> Decision:
    return Decision(
        row.id, row.cve_inegi, row.url, row.presencia, row.decision, row.auditor, row.at, row.nota, row.administracion
    )


def _current_rows(session: Session, cve: str) -> list[OfficialSiteRow]:
    query = select(OfficialSiteRow).where(OfficialSiteRow.cve_inegi == cve, OfficialSiteRow.valid_to.is_(None))
    return list(session.scalars(query))


def _close(session: Session, row: OfficialSiteRow, at: datetime) -> None:
    """End a current period at `at` (never before it began)."""
    if at < row.valid_from:
        raise SiteError(
            f"La decisión ({people_datetime(at, zone=True)}) es anterior al inicio del periodo vigente de {row.url} "
            f"({people_datetime(row.valid_from, zone=True)}); las decisiones se registran en orden."
        )
    session.execute(update(OfficialSiteRow).where(OfficialSiteRow.id == row.id).values(valid_to=at))


def _add_decision(session: Session, **values: object) -> SiteDecisionRow:
    row = SiteDecisionRow(**values)
    session.add(row)
    session.flush()
    return row


def confirm(
    db: Database,
    cve: str,
    url: str,
    auditor: str,
    nota: str | None,
    at: datetime,
    administracion: str | None = None,
    presencia: str = "sitio",
) -> OfficialSite:
    """Record an auditor's confirmation and return the current period of that presence: a new URL closes the current
    one and opens its own period; re-confirming the current URL keeps its period."""
    values = dict(
        cve_inegi=check_cve(cve),
        url=normalize_url(url),
        presencia=check_choice("La presencia", presencia, PRESENCIAS),
        decision="confirmar",
        auditor=check_auditor(auditor),
        at=check_moment(at),
        nota=nota,
        administracion=check_administration(administracion),
    )
    with unit_of_work(db, "confirmar un sitio oficial") as session:
        current = next((r for r in _current_rows(session, cve) if r.presencia == presencia), None)
        decision = _add_decision(session, **values)
        if current is not None and current.url == decision.url:
            opened_by = session.scalar(select(SiteDecisionRow.auditor).where(SiteDecisionRow.id == current.decision_id))
            return _site(current, opened_by or "")
        if current is not None:
            _close(session, current, at)
        return _open_period(session, decision)


def _open_period(session: Session, decision: SiteDecisionRow) -> OfficialSite:
    """Open the validity period a confirmation starts."""
    row = OfficialSiteRow(
        cve_inegi=decision.cve_inegi,
        url=decision.url or "",
        presencia=decision.presencia,
        valid_from=decision.at,
        valid_to=None,
        administracion=decision.administracion,
        decision_id=decision.id,
    )
    session.add(row)
    session.flush()
    return _site(row, decision.auditor)


def reject(db: Database, cve: str, url: str, auditor: str, nota: str | None, at: datetime) -> Decision:
    """Record an auditor's rejection of a URL; if it is a current official presence, its period closes."""
    normalized = normalize_url(url)
    with unit_of_work(db, "rechazar un sitio candidato") as session:
        current = [r for r in _current_rows(session, check_cve(cve)) if r.url == normalized]
        presencia = current[0].presencia if current else "sitio"
        for row in current:
            _close(session, row, check_moment(at))
        return _decision(
            _add_decision(
                session,
                cve_inegi=cve,
                url=normalized,
                presencia=presencia,
                decision="rechazar",
                auditor=check_auditor(auditor),
                at=check_moment(at),
                nota=nota,
                administracion=None,
            )
        )


def declare_no_site(db: Database, cve: str, auditor: str, nota: str | None, at: datetime) -> Decision:
    """Record that an auditor confirmed the municipality has no official site; a current site's period closes."""
    with unit_of_work(db, "registrar que un municipio no tiene sitio oficial") as session:
        for row in _current_rows(session, check_cve(cve)):
            if row.presencia == "sitio":
                _close(session, row, check_moment(at))
        return _decision(
            _add_decision(
                session,
                cve_inegi=cve,
                url=None,
                presencia="sitio",
                decision="sin_sitio",
                auditor=check_auditor(auditor),
                at=check_moment(at),
                nota=nota,
                administracion=None,
            )
        )


def current_presences(session: Session) -> dict[str, list[OfficialSite]]:
    """Every municipality's current official presences (at most one per presencia), by clave."""
    found: dict[str, list[OfficialSite]] = {}
    query = _sites_with_auditor().where(OfficialSiteRow.valid_to.is_(None)).order_by(OfficialSiteRow.presencia)
    for row, auditor in session.execute(query).all():
        found.setdefault(row.cve_inegi, []).append(_site(row, auditor))
    return found


def current_sites(session: Session, presencia: str = "sitio") -> dict[str, OfficialSite]:
    """The current confirmed official site (or other presencia) of each municipality that has one, by clave."""
    return {cve: s for cve, sites in current_presences(session).items() for s in sites if s.presencia == presencia}


def no_site_declared(session: Session) -> set[str]:
    """Claves whose latest site decision (confirmar or sin_sitio, presencia sitio) says there is no official site."""
    query = (
        select(SiteDecisionRow.cve_inegi, SiteDecisionRow.decision)
        .where(SiteDecisionRow.presencia == "sitio", SiteDecisionRow.decision.in_(("confirmar", "sin_sitio")))
        .order_by(SiteDecisionRow.at, SiteDecisionRow.id)
    )
    latest = {cve: decision for cve, decision in session.execute(query)}
    return {cve for cve, decision in latest.items() if decision == "sin_sitio"}


def site_history(db: Database, cve: str) -> list[OfficialSite]:
    """Every validity period of the municipality's official presences, oldest first."""
    query = _sites_with_auditor().where(OfficialSiteRow.cve_inegi == check_cve(cve))
    with unit_of_work(db, "leer el historial de sitios oficiales", read_only=True) as session:
        rows = session.execute(query.order_by(OfficialSiteRow.valid_from, OfficialSiteRow.id)).all()
        return [_site(row, auditor) for row, auditor in rows]


def decisions(db: Database, cve: str) -> list[Decision]:
    """Every auditor decision on the municipality's presence, oldest first."""
    query = select(SiteDecisionRow).where(SiteDecisionRow.cve_inegi == check_cve(cve))
    with unit_of_work(db, "leer las decisiones de los auditores", read_only=True) as session:
        return [_decision(r) for r in session.scalars(query.order_by(SiteDecisionRow.at, SiteDecisionRow.id))]


def _view(row: SiteCandidateRow, decision: str | None) -> CandidateView:
    evidence = tuple(Evidencia(str(e["code"]), int(e["points"]), str(e["texto"])) for e in json.loads(row.evidencias))
    return CandidateView(
        row.id,
        row.discovery_run_id,
        row.cve_inegi,
        row.url,
        row.final_url,
        row.origen,
        row.origen_detalle,
        row.score,
        row.veredicto,
        row.alarma,
        evidence,
        row.presencia,
        row.checked_at,
        decision,
    )


def latest_candidates(db: Database, cve: str | None = None) -> list[CandidateView]:
    """The latest proof of every candidate URL (of one municipality, or all), by clave then highest score first."""
    proofs = select(SiteCandidateRow).order_by(SiteCandidateRow.checked_at, SiteCandidateRow.id)
    verdicts = select(SiteDecisionRow.cve_inegi, SiteDecisionRow.url, SiteDecisionRow.decision).where(
        SiteDecisionRow.url.is_not(None)
    )
    if cve is not None:
        proofs = proofs.where(SiteCandidateRow.cve_inegi == check_cve(cve))
        verdicts = verdicts.where(SiteDecisionRow.cve_inegi == cve)
    with unit_of_work(db, "leer los sitios candidatos", read_only=True) as session:
        latest = {(r.cve_inegi, r.url): r for r in session.scalars(proofs)}
        decided = {(c, u): d for c, u, d in session.execute(verdicts.order_by(SiteDecisionRow.at, SiteDecisionRow.id))}
        views = [_view(row, decided.get(key)) for key, row in latest.items()]
    return sorted(views, key=lambda v: (v.cve_inegi, -v.score, v.url))
