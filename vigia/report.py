"""Report rows: per municipality its latest complete results, area scores and P1 indicators."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from checks.catalogue import Catalogue
from checks.model import CheckResult, Unread
from checks.obligations import load_obligations
from checks.scoring import LOSI, SCORE_KEYS
from config.registry import Municipality
from core.clock import machine_datetime
from storage.repository import MunicipalityResults
from storage.reviewed import in_force_count, review_json, reviewed_scores, reviewed_status
from storage.reviews import Key, ReviewState

# Scores added after the CSV was published go in the last columns, so existing readers keep their positions.
ADDED_KEYS = (LOSI,)
PUBLISHED_KEYS = tuple(key for key in SCORE_KEYS if key not in ADDED_KEYS)


@dataclass
class ReportRow:
    """One municipality in a report."""

    municipality: Municipality
    run_id: int | None
    run_finished_at: datetime | None
    scores: dict[str, float | None]
    results: list[CheckResult] = field(default_factory=list)
    failure: str | None = None
    # Checks «en revisión» (checks.precision): shown marked, their no_cumple never alerts.
    under_review: frozenset[str] = frozenset()
    # What the newest run, when it ended partial, did not read of this municipality (its results here are older).
    unread: list[Unread] = field(default_factory=list)
    unread_run_id: int | None = None
    # The latest auditor review of each (municipality, check, source), in force or back to review (storage.reviews).
    reviews: Mapping[Key, ReviewState] = field(default_factory=dict)
    # The scores with the reviews in force applied (storage.reviewed); equal to scores when none is in force.
    reviewed_scores: dict[str, float | None] = field(default_factory=dict)

    def review_of(self, result: CheckResult) -> ReviewState | None:
        """The latest review of a result of this municipality, if any."""
        return self.reviews.get((self.municipality.cve_inegi, result.check_id, result.source))

    def reviewed(self, result: CheckResult) -> str:
        """The status in force for a result (the auditor's while a review is in force)."""
        return reviewed_status(self.municipality.cve_inegi, result, self.reviews)

    @property
    def reviews_in_force(self) -> int:
        """How many of this municipality's verdicts carry a review in force."""
        return in_force_count(self.municipality.cve_inegi, self.reviews)

    @property
    def site_results(self) -> list[CheckResult]:
        """Results of the checks on the municipality's own site."""
        return [r for r in self.results if r.source == "sitio"]

    @property
    def ipomex_results(self) -> list[CheckResult]:
        """Results of the transparency obligations on IPOMEX, fraction by fraction."""
        return [r for r in self.results if r.source != "sitio"]

    def count(self, status: str) -> int:
        """How many site checks have the given status."""
        return sum(r.status == status for r in self.site_results)


def build_rows(
    registry: Sequence[Municipality],
    latest: Sequence[MunicipalityResults],
    under_review: frozenset[str] = frozenset(),
    pending: tuple[int, Sequence[Unread]] | None = None,
    reviewing: tuple[Mapping[Key, ReviewState], Catalogue] | None = None,
) -> list[ReportRow]:
    """Join registry rows with their latest results and stored scores, with what the newest run left unread
    (pending: a partial run's id and list) and with the auditors' reviews (reviewing: the latest reviews and the
    catalogue that scores them); ranked by the stored total score, unscored last."""
    by_cve = {item.cve_inegi: item for item in latest}
    unread: dict[str, list[Unread]] = defaultdict(list)
    for missed in pending[1] if pending else ():
        unread[missed.cve_inegi].append(missed)
    rows = []
    for municipality in registry:
        item = by_cve.get(municipality.cve_inegi)
        if item is None:
            row = ReportRow(municipality, None, None, dict.fromkeys(SCORE_KEYS), under_review=under_review)
        else:
            scores = {key: item.scores.get(key) for key in SCORE_KEYS}
            found = list(item.results)
            row = ReportRow(municipality, item.run_id, item.run_finished_at, scores, found, item.failure, under_review)
        row.unread = unread.get(municipality.cve_inegi, [])
        row.unread_run_id = pending[0] if pending and row.unread else None
        _attach_reviews(row, reviewing)
        rows.append(row)
    return sorted(rows, key=_rank_key)


def _attach_reviews(row: ReportRow, reviewing: tuple[Mapping[Key, ReviewState], Catalogue] | None) -> None:
    reviews, catalogue = reviewing if reviewing else ({}, None)
    row.reviews = reviews
    cve = row.municipality.cve_inegi
    if catalogue is None or row.run_id is None:
        row.reviewed_scores = dict(row.scores)
    else:
        row.reviewed_scores = reviewed_scores(cve, row.results, row.scores, reviews, catalogue)


def _rank_key(row: ReportRow) -> tuple[int, float, str]:
    total = row.scores.get("total")
    return (total is None, -(total or 0.0), row.municipality.nombre)


def _result_json(row: ReportRow, result: CheckResult) -> dict[str, Any]:
    evidence = {"url": result.evidence.url, "text": result.evidence.text} if result.evidence else None
    return {
        "id": result.check_id,
        "status": result.status,
        "reason": result.reason,
        "detail": result.detail,
        "evidence": evidence,
        "source": result.source,
        "law": result.law,
        "last_update": result.last_update.isoformat() if result.last_update else None,
        "en_revision": result.source == "sitio" and result.check_id in row.under_review,
        # Added with the auditors' reviews: the status in force and the latest review (status stays the machine's).
        "estado_revisado": row.reviewed(result),
        "revision": review_json(row.review_of(result)),
    }


def row_json(row: ReportRow) -> dict[str, Any]:
    """JSON object of one report row."""
    m = row.municipality
    return {
        "cve_inegi": m.cve_inegi,
        "nombre": m.nombre,
        "poblacion_2020": m.poblacion_2020,
        "grado_marginacion": m.conapo_gm_2020,
        "region": m.region,
        "sitio_web": m.sitio_web,
        "run_id": row.run_id,
        "fecha": row.run_finished_at.isoformat() if row.run_finished_at else None,
        "scores": row.scores,
        "cumple": row.count("cumple"),
        "no_cumple": row.count("no_cumple"),
        "indeterminado": row.count("indeterminado"),
        "motivo_sitio": row.failure,
        "checks": [_result_json(row, r) for r in row.results],
        "sin_leer": [
            {"corrida": row.unread_run_id, "etapa": u.stage, "motivo": u.reason, "detalle": u.detail}
            for u in row.unread
        ],
        # Added with the auditors' reviews (scores stays the machine's stored scores).
        "puntajes_revisados": row.reviewed_scores,
        "revisiones_vigentes": row.reviews_in_force,
    }


def rows_csv(rows: Sequence[ReportRow], catalogue: Catalogue) -> str:
    """CSV with one line per municipality: indicators, scores, then one column per check."""
    check_ids = [c.id for c in catalogue.site_checks()] + [o.id for o in load_obligations().obligations]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "cve_inegi",
            "nombre",
            "poblacion_2020",
            "grado_marginacion",
            "region",
            "corrida",
            "fecha",
            *PUBLISHED_KEYS,
            *check_ids,
            "en_revision",
            *(f"{key}_revisado" for key in PUBLISHED_KEYS),
            "revisiones_vigentes",
            *ADDED_KEYS,
            *(f"{key}_revisado" for key in ADDED_KEYS),
        ]
    )
    for row in rows:
        m = row.municipality
        statuses = {r.check_id: r.status for r in row.results}
        writer.writerow(
            [
                m.cve_inegi,
                m.nombre,
                m.poblacion_2020,
                m.conapo_gm_2020 or "",
                m.region or "",
                row.run_id or "",
                machine_datetime(row.run_finished_at) or "",
                *(_score_text(row.scores[k]) for k in PUBLISHED_KEYS),
                *(statuses.get(i, "") for i in check_ids),
                " ".join(i for i in check_ids if i in row.under_review),
                *(_score_text(row.reviewed_scores.get(k)) for k in PUBLISHED_KEYS),
                _in_force_text(row),
                *(_score_text(row.scores[k]) for k in ADDED_KEYS),
                *(_score_text(row.reviewed_scores.get(k)) for k in ADDED_KEYS),
            ]
        )
    return buffer.getvalue()


def _in_force_text(row: ReportRow) -> str:
    """The reviews in force of a row, «check: machine→reviewed» separated by «; » (empty when none)."""
    changed = [(r, row.review_of(r)) for r in row.results]
    return "; ".join(f"{r.check_id}: {r.status}→{s.review.status_after}" for r, s in changed if s and s.in_force)


def _score_text(score: float | None) -> str:
    return "" if score is None else f"{score:.1f}"


def score_cell(score: float | None) -> str:
    """Score as shown in tables: one decimal, or 's/d' (sin dato) when nothing was definitive."""
    return "s/d" if score is None else f"{score:.1f}"
