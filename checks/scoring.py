"""Area scores of the site checks (P2, P3, P4, overall), the transparency index of the IPOMEX obligations and the
LOSI-style score (share of the published LOSI indicators the catalogue decides that are met).

Every score is the (weighted) share of cumple among definitive results (cumple + no_cumple): indeterminado and
no_aplica never count for or against a municipality.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checks.catalogue import Catalogue
from checks.model import CheckResult, Status

AREAS = ("P2", "P3", "P4")
OVERALL = "total"
# The transparency index of the IPOMEX obligations, stored and shown next to the area scores.
IPOMEX = "ipomex"
# The LOSI-style score: one binary verdict per published LOSI indicator that some check decides (checks/losi.py).
LOSI = "losi"
SCORE_KEYS = (*AREAS, OVERALL, IPOMEX, LOSI)
SITE_SOURCE = "sitio"
# When one fraction was captured from several sources (ipomex3 and ipomex4), the most favourable verdict stands:
# publishing on either portal fulfils the obligation, and a no_cumple must not rest on the weaker source.
PRECEDENCE: tuple[Status, ...] = ("cumple", "no_aplica", "no_cumple", "indeterminado")
_RANK: dict[str, int] = {status: i for i, status in enumerate(PRECEDENCE)}


def precedence_rank(status: str) -> int:
    """Position of status in PRECEDENCE (lower is more favourable); an unknown status ranks after every known one."""
    return _RANK.get(status, len(PRECEDENCE))


@dataclass(frozen=True)
class AreaScore:
    """score in 0..100 = weighted cumple / weighted (cumple + no_cumple); None when nothing is definitive."""

    score: float | None
    cumple: int
    no_cumple: int
    indeterminado: int
    no_aplica: int = 0


def _score(results: list[tuple[CheckResult, float]]) -> AreaScore:
    """Score and counts for (result, weight) pairs."""
    passed = sum(w for r, w in results if r.status == "cumple")
    definitive = sum(w for r, w in results if r.status in ("cumple", "no_cumple"))
    counts = {s: sum(1 for r, _ in results if r.status == s) for s in PRECEDENCE}
    score = round(100.0 * passed / definitive, 1) if definitive > 0 else None
    return AreaScore(score, counts["cumple"], counts["no_cumple"], counts["indeterminado"], counts["no_aplica"])


def area_scores(results: Iterable[CheckResult], catalogue: Catalogue) -> dict[str, AreaScore]:
    """Scores for P2, P3, P4 and "total"; IPOMEX results and checks not in the site catalogue are ignored."""
    by_id = {spec.id: spec for spec in catalogue.site_checks()}
    weighted: dict[str, list[tuple[CheckResult, float]]] = {area: [] for area in AREAS}
    for result in results:
        spec = by_id.get(result.check_id) if result.source == SITE_SOURCE else None
        if spec is not None and spec.seed in weighted:
            weighted[spec.seed].append((result, spec.weight))
    scores = {area: _score(items) for area, items in weighted.items()}
    scores[OVERALL] = _score([item for items in weighted.values() for item in items])
    return scores


def overall_score(results: Iterable[CheckResult], catalogue: Catalogue) -> AreaScore:
    """The overall score across P2, P3 and P4."""
    return area_scores(results, catalogue)[OVERALL]


def transparency_index(results: Iterable[CheckResult]) -> AreaScore:
    """Share (0–100) of applicable IPOMEX fractions that comply, among the definitive ones; None if none is."""
    best: dict[str, CheckResult] = {}
    for result in results:
        if result.source == SITE_SOURCE:
            continue
        kept = best.get(result.check_id)
        if kept is None or precedence_rank(result.status) < precedence_rank(kept.status):
            best[result.check_id] = result
    return _score([(result, 1.0) for result in best.values()])


def indicator_status(statuses: Iterable[Status]) -> Status:
    """One LOSI indicator's verdict from its checks' statuses: met when any check complies; not met only when every
    check read is no_cumple (or no_aplica); indeterminado when any is, so that nothing unseen counts against."""
    seen = set(statuses)
    order: tuple[Status, ...] = ("cumple", "indeterminado", "no_cumple")
    for status in order:
        if status in seen:
            return status
    return "no_aplica"


def losi_score(results: Iterable[CheckResult], catalogue: Catalogue) -> AreaScore:
    """Share (0–100) of the LOSI indicators met among those with a definitive verdict, each indicator once."""
    indicator_of = {s.id: s.losi.indicator.name for s in catalogue.site_checks() if s.losi and s.losi.indicator}
    statuses: dict[str, list[Status]] = {}
    for result in results:
        name = indicator_of.get(result.check_id) if result.source == SITE_SOURCE else None
        if name is not None:
            statuses.setdefault(name, []).append(result.status)
    verdicts = [CheckResult(name, indicator_status(found)) for name, found in statuses.items()]
    return _score([(verdict, 1.0) for verdict in verdicts])


def all_scores(results: Sequence[CheckResult], catalogue: Catalogue) -> dict[str, AreaScore]:
    """Every stored score of one municipality in one run, keyed by SCORE_KEYS (areas, total, ipomex and losi)."""
    scores = area_scores(results, catalogue)
    scores[IPOMEX] = transparency_index(results)
    scores[LOSI] = losi_score(results, catalogue)
    return {key: scores[key] for key in SCORE_KEYS}
