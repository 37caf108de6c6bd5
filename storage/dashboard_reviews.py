"""The auditors' reviews on the dashboard's rows: the status in force beside the machine's, and reviewed scores.

The rows keep the machine's status («estado») and stored scores («puntajes»); these functions add the reviewed
status («estado_revisado»), the latest review («revision») and the reviewed scores («puntajes_revisados»).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from checks.catalogue import Catalogue
from storage.db import Database
from storage.page_rows import (
    ChecklistItem,
    CheckMunicipality,
    CheckResponse,
    FractionItem,
    MunicipalityResponse,
    RankingItem,
    ReviewItem,
    ReviewsResponse,
    ReviewTrailItem,
)
from storage.results import latest_results
from storage.reviewed import in_force_count, reviewed_scores
from storage.reviews import Key, ReviewState, audit_trail, latest_reviews

Reviewable = TypeVar("Reviewable", ChecklistItem, FractionItem, CheckMunicipality)


def _review_fields(state: ReviewState) -> dict[str, Any]:
    r = state.review
    return {
        "action": r.action,
        "status_before": r.status_before,
        "status_after": r.status_after,
        "reason": r.reason,
        "auditor": r.auditor,
        "at": r.at,
        "run_id": r.run_id,
        "state": state.state,
        "in_force": state.in_force,
    }


def review_item(state: ReviewState | None) -> ReviewItem | None:
    """The page row of a review (None when the verdict was never reviewed)."""
    return ReviewItem(**_review_fields(state)) if state is not None else None


def _with_review(item: Reviewable, cve: str, check_id: str, reviews: Mapping[Key, ReviewState]) -> Reviewable:
    state = reviews.get((cve, check_id, item.source))
    reviewed = (state.reviewed_status if state else None) or item.status
    return item.model_copy(update={"reviewed_status": reviewed, "review": review_item(state)})


def review_municipality(db: Database, page: MunicipalityResponse) -> MunicipalityResponse:
    """The municipality page with each verdict's review and status in force."""
    reviews = latest_reviews(db, [page.cve_inegi])
    cve = page.cve_inegi
    return page.model_copy(
        update={
            "checklist": tuple(_with_review(v, cve, v.check_id, reviews) for v in page.checklist),
            "fractions": tuple(_with_review(f, cve, f.check_id, reviews) for f in page.fractions),
        }
    )


def review_check(db: Database, page: CheckResponse) -> CheckResponse:
    """The check page with each municipality's review and status in force."""
    reviews = latest_reviews(db, [m.cve_inegi for m in page.latest])
    latest = tuple(_with_review(m, m.cve_inegi, page.check_id, reviews) for m in page.latest)
    return page.model_copy(update={"latest": latest})


def review_ranking(db: Database, rows: Sequence[RankingItem], catalogue: Catalogue) -> list[RankingItem]:
    """The ranking rows with their reviewed scores (recomputed only where a review is in force)."""
    reviews = latest_reviews(db)
    touched = sorted({cve for (cve, _, _), state in reviews.items() if state.in_force})
    results = {item.cve_inegi: item for item in latest_results(db, touched)} if touched else {}
    out = []
    for row in rows:
        found = results.get(row.cve_inegi)
        scores = dict(row.scores)
        if found is not None:
            scores = reviewed_scores(row.cve_inegi, found.results, row.scores, reviews, catalogue)
        count = in_force_count(row.cve_inegi, reviews)
        out.append(row.model_copy(update={"reviewed_scores": scores, "reviews_in_force": count}))
    return out


def review_trail(db: Database, cves: Sequence[str] | None = None) -> ReviewsResponse:
    """The auditors' audit trail (of cves, or all), newest first, each review with where it stands."""
    items = [
        ReviewTrailItem(
            **_review_fields(state),
            cve_inegi=state.review.cve_inegi,
            check_id=state.review.check_id,
            source=state.review.source,
        )
        for state in audit_trail(db, cves)
    ]
    return ReviewsResponse(reviews=tuple(items))
