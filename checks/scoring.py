"""Area scores: weighted share of cumple among definitive results, per seed (P2, P3, P4) and overall."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checks.catalogue import Catalogue
from checks.model import CheckResult

AREAS = ("P2", "P3", "P4")
OVERALL = "total"


@dataclass(frozen=True)
class AreaScore:
    """score in 0..100 = weighted cumple / weighted (cumple + no_cumple); None when nothing is definitive."""

    score: float | None
    cumple: int
    no_cumple: int
    indeterminado: int


def _score(results: list[tuple[CheckResult, float]]) -> AreaScore:
    """Score and counts for (result, weight) pairs."""
    passed = sum(w for r, w in results if r.status == "cumple")
    definitive = sum(w for r, w in results if r.status in ("cumple", "no_cumple"))
    counts = {s: sum(1 for r, _ in results if r.status == s) for s in ("cumple", "no_cumple", "indeterminado")}
    score = round(100.0 * passed / definitive, 1) if definitive > 0 else None
    return AreaScore(score, counts["cumple"], counts["no_cumple"], counts["indeterminado"])


def area_scores(results: Iterable[CheckResult], catalogue: Catalogue) -> dict[str, AreaScore]:
    """Scores for P2, P3, P4 and "total" (all three together); results of checks not in the catalogue are ignored."""
    by_id = {spec.id: spec for spec in catalogue.checks}
    weighted: dict[str, list[tuple[CheckResult, float]]] = {area: [] for area in AREAS}
    for result in results:
        spec = by_id.get(result.check_id)
        if spec is not None and spec.seed in weighted:
            weighted[spec.seed].append((result, spec.weight))
    scores = {area: _score(items) for area, items in weighted.items()}
    scores[OVERALL] = _score([item for items in weighted.values() for item in items])
    return scores


def overall_score(results: Iterable[CheckResult], catalogue: Catalogue) -> AreaScore:
    """The overall score across P2, P3 and P4."""
    return area_scores(results, catalogue)[OVERALL]
