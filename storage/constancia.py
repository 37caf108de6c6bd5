"""The read model of a constancia: one municipality as of one day, from the last complete run finished by then.

Everything comes from stored rows (results, archive records, reviews, stored scores, manifests); nothing is
recomputed, and nothing depends on the moment it is read, so the same database and day give the same constancia.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.catalogue import Catalogue
from checks.model import CheckResult
from checks.obligations import ObligationCatalogue
from checks.scoring import AreaScore
from core.clock import people_date
from core.errors import EmptyDatabaseError
from storage.constancia_reads import (
    ArchivedCopy,
    ChainLink,
    Review,
    archived_copies,
    chain_links,
    first_complete_run,
    reviews_in_force,
    run_as_of,
)
from storage.db import Database
from storage.models import MunicipalityRow, ScoredRunRow, SiteOutcomeRow
from storage.results import MunicipalityResults, municipality_in_run
from storage.scores import stored_scores
from storage.work import unit_of_work

RETIRED_LABEL = "(verificación que ya no está en el catálogo)"


@dataclass(frozen=True)
class Verdict:
    """One verdict of the run with its evidence, archived copy and the review in force."""

    check_id: str
    source: str
    label: str
    status: str
    reason: str | None
    detail: str | None
    evidence_url: str | None
    evidence_text: str | None
    # The archived copy's capture time, else the IPOMEX capture's, else when the site's results were recorded.
    captured_at: datetime | None
    copy: ArchivedCopy | None
    screenshot: ArchivedCopy | None
    review: Review | None


@dataclass(frozen=True)
class Municipio:
    """The municipality as the database's registry snapshot holds it (name, clave, P1 indicators)."""

    cve_inegi: str
    nombre: str
    cabecera: str
    poblacion_2020: int
    conapo_im_2020: float | None
    conapo_gm_2020: str | None
    region: str | None
    sitio_web: str | None


@dataclass(frozen=True)
class Constancia:
    """Everything a constancia states, read in one transaction."""

    day: date
    municipio: Municipio
    run_id: int
    run_kind: str
    run_started_at: datetime
    run_finished_at: datetime
    catalogue_version: str | None
    scores: dict[str, AreaScore]
    verdicts: tuple[Verdict, ...]
    run_link: ChainLink | None
    head: ChainLink | None


def read_constancia(
    db: Database,
    cve: str,
    day: date,
    catalogue: Catalogue,
    obligations: ObligationCatalogue,
    name: str | None = None,
) -> Constancia:
    """The constancia of a municipality as of day; EmptyDatabaseError (Spanish, naming it by the database's name,
    else name, else its clave) when no complete run finished by then recorded it."""
    with unit_of_work(db, "leer los datos de la constancia", read_only=True) as session:
        municipio = _municipio(session, cve)
        run = run_as_of(session, cve, day)
        results = municipality_in_run(session, run.id, cve) if run is not None else None
        if municipio is None or run is None or results is None:
            raise _no_run_error(session, cve, municipio.nombre if municipio else name or cve, day)
        verdicts = _verdicts(session, results, catalogue, obligations)
        run_link, head = chain_links(session, run.id)
        return Constancia(
            day=day,
            municipio=municipio,
            run_id=run.id,
            run_kind=run.kind,
            run_started_at=run.started_at,
            run_finished_at=run.finished_at or run.started_at,
            catalogue_version=session.scalar(
                select(ScoredRunRow.catalogue_version).where(ScoredRunRow.run_id == run.id)
            ),
            scores=stored_scores(session.connection(), [(run.id, cve)]).get((run.id, cve), {}),
            verdicts=verdicts,
            run_link=run_link,
            head=head,
        )


def _no_run_error(session: Session, cve: str, nombre: str, day: date) -> EmptyDatabaseError:
    first = first_complete_run(session, cve)
    if first is None:
        return EmptyDatabaseError(
            f"No hay corridas completas de {nombre} en esta base de datos; la constancia se emite sobre una corrida "
            "completa (`vigia rastrear`)."
        )
    return EmptyDatabaseError(
        f"No hay corridas completas de {nombre} hasta el {people_date(day)}; la primera es del "
        f"{people_date(first.finished_at)} (corrida {first.id}). Pida una fecha igual o posterior."
    )


def _municipio(session: Session, cve: str) -> Municipio | None:
    row = session.get(MunicipalityRow, cve)
    if row is None:  # never recorded by any run of this database
        return None
    return Municipio(
        row.cve_inegi,
        row.nombre,
        row.cabecera,
        row.poblacion_2020,
        row.conapo_im_2020,
        row.conapo_gm_2020,
        row.region,
        row.sitio_web,
    )


def _verdicts(
    session: Session, found: MunicipalityResults, catalogue: Catalogue, obligations: ObligationCatalogue
) -> tuple[Verdict, ...]:
    pages, shots = archived_copies(session, found.run_id, found.cve_inegi)
    recorded = session.scalar(
        select(SiteOutcomeRow.recorded_at).where(
            SiteOutcomeRow.run_id == found.run_id, SiteOutcomeRow.cve_inegi == found.cve_inegi
        )
    )
    results = sorted(found.results, key=lambda r: _order(r, catalogue, obligations))
    digests = {(r.check_id, r.source): _copy_of(r, pages) for r in results}
    reviews = reviews_in_force(
        session, found.cve_inegi, found.run_id, {k: c.sha256 if c else None for k, c in digests.items()}
    )
    items = []
    for result in results:
        key = (result.check_id, result.source)
        copy = digests[key]
        fallback = found.ipomex_captured_at if result.source != "sitio" else recorded
        url = result.evidence.url if result.evidence else None
        items.append(
            Verdict(
                check_id=result.check_id,
                source=result.source,
                label=_label(result, catalogue, obligations),
                status=result.status,
                reason=result.reason,
                detail=result.detail,
                evidence_url=url,
                evidence_text=result.evidence.text if result.evidence else None,
                captured_at=copy.captured_at if copy else fallback,
                copy=copy,
                screenshot=shots.get(url) if url else None,
                review=reviews.get(key),
            )
        )
    return tuple(items)


def _copy_of(result: CheckResult, pages: dict[str, ArchivedCopy]) -> ArchivedCopy | None:
    return pages.get(result.evidence.url) if result.evidence and result.evidence.url else None


def _order(result: CheckResult, catalogue: Catalogue, obligations: ObligationCatalogue) -> tuple[int, int, str]:
    """Site checks in catalogue order, then IPOMEX fractions in the obligations' order; unknown ones last by id."""
    if result.source == "sitio":
        ids = [spec.id for spec in catalogue.checks]
        return (0, ids.index(result.check_id) if result.check_id in ids else len(ids), result.check_id)
    ids = [o.id for o in obligations.obligations]
    return (1, ids.index(result.check_id) if result.check_id in ids else len(ids), f"{result.check_id} {result.source}")


def _label(result: CheckResult, catalogue: Catalogue, obligations: ObligationCatalogue) -> str:
    if result.source != "sitio":
        found = next((o for o in obligations.obligations if o.id == result.check_id), None)
        return f"Artículo {found.articulo}, fracción {found.fraccion}: {found.titulo}" if found else RETIRED_LABEL
    try:
        return catalogue.get(result.check_id).label
    except KeyError:
        return RETIRED_LABEL
