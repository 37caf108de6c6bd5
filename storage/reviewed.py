"""Results and scores as the auditors left them: the machine's results with the reviews in force applied.

Decision on scores: the stored scores (run_scores) stay the machine's, reproducible from the hash-chained results,
and the ranking is ordered by them. The reviewed score is computed on reading with the one formula
(checks.scoring.all_scores) from the same results with each review in force replacing its status, and shown beside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from checks.catalogue import Catalogue
from checks.model import CheckResult, Status
from checks.scoring import SCORE_KEYS, all_scores
from core.clock import machine_datetime
from storage.reviews import Key, ReviewState

Scores = dict[str, float | None]


def reviewed_status(cve: str, result: CheckResult, reviews: Mapping[Key, ReviewState]) -> str:
    """The status in force for a result: the auditor's while a review is in force, else the machine's."""
    state = reviews.get((cve, result.check_id, result.source))
    return (state.reviewed_status if state else None) or result.status


def apply_reviews(cve: str, results: Sequence[CheckResult], reviews: Mapping[Key, ReviewState]) -> list[CheckResult]:
    """The results with every review in force replacing its status (a copy; stored results are never edited)."""
    return [replace(r, status=cast(Status, reviewed_status(cve, r, reviews))) for r in results]


def in_force_count(cve: str, reviews: Mapping[Key, ReviewState]) -> int:
    """How many reviews of the municipality are in force."""
    return sum(1 for key, state in reviews.items() if key[0] == cve and state.in_force)


def reviewed_scores(
    cve: str,
    results: Sequence[CheckResult],
    stored: Mapping[str, float | None],
    reviews: Mapping[Key, ReviewState],
    catalogue: Catalogue,
) -> Scores:
    """The scores with the reviews in force; the stored ones when none is in force (nothing to recompute)."""
    if not in_force_count(cve, reviews):
        return {key: stored.get(key) for key in SCORE_KEYS}
    scores = all_scores(apply_reviews(cve, results, reviews), catalogue)
    return {key: scores[key].score for key in SCORE_KEYS}


def review_json(state: ReviewState | None) -> dict[str, Any] | None:
    """The review of a verdict for JSON (Spanish keys), or None when it was never reviewed."""
    if state is None:
        return None
    review = state.review
    return {
        "accion": review.action,
        "estado_antes": review.status_before,
        "estado_despues": review.status_after,
        "motivo": review.reason,
        "auditor": review.auditor,
        "fecha": machine_datetime(review.at),
        "corrida": review.run_id,
        "situacion": state.state,
        "vigente": state.in_force,
        "huella_evidencia": review.evidence_digest,
    }
