"""How far the site checks agree with auditor labels, per check and in total, and the «en revisión» rule.

A false accusation is our no_cumple where the auditor says cumple (a public accusation that is wrong); false
credit is our cumple where the auditor says no_cumple. Coverage is the share of scored labels where we decided
(cumple or no_cumple) instead of saying indeterminado.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from checks.labels import Label

# A check whose false accusations exceed this share of its scored labels is «en revisión»: it stays in the
# reports, marked, and its no_cumple never triggers an alert. The one place this rule lives.
REVIEW_FALSE_ACCUSATION_RATE = 0.01
TOTAL = "total"


@dataclass(frozen=True)
class Disagreement:
    """A scored label we did not match: the site folder, the check, our status and the auditor's."""

    site: str
    check_id: str
    ours: str
    label: str


@dataclass(frozen=True)
class CheckFigures:
    """Counts of one check (or of all of them, check_id "total") against the scored labels."""

    check_id: str
    scored: int = 0
    agree: int = 0
    false_accusations: int = 0
    false_credit: int = 0
    decided: int = 0
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def agreement(self) -> float | None:
        """Share of scored labels we matched exactly (indeterminado never matches); None without labels."""
        return self.agree / self.scored if self.scored else None

    @property
    def coverage(self) -> float | None:
        """Share of scored labels where we said cumple or no_cumple; None without labels."""
        return self.decided / self.scored if self.scored else None

    @property
    def false_accusation_rate(self) -> float | None:
        """False accusations over scored labels; None without labels."""
        return self.false_accusations / self.scored if self.scored else None

    @property
    def under_review(self) -> bool:
        """Whether the check is «en revisión»: its false-accusation rate is above the allowed one."""
        rate = self.false_accusation_rate
        return rate is not None and rate > REVIEW_FALSE_ACCUSATION_RATE


@dataclass(frozen=True)
class Measurement:
    """One measurement of the site checks on a labelled corpus."""

    measured_on: date
    catalogue_version: str
    sites: int
    checks: tuple[CheckFigures, ...]
    totals: CheckFigures = field(default_factory=lambda: CheckFigures(TOTAL))

    @property
    def scored(self) -> int:
        """Scored labels of the whole corpus."""
        return self.totals.scored

    def figures(self, check_id: str) -> CheckFigures | None:
        """The figures of one check, None when the measurement does not know it."""
        return next((f for f in self.checks if f.check_id == check_id), None)

    def under_review(self) -> frozenset[str]:
        """Ids of the checks «en revisión»."""
        return frozenset(f.check_id for f in self.checks if f.under_review)


def _count(check_id: str, pairs: Sequence[tuple[Label, str]]) -> CheckFigures:
    """Figures of (label, our status) pairs, scored labels only."""
    scored = [(label, ours) for label, ours in pairs if label.scored]
    return CheckFigures(
        check_id=check_id,
        scored=len(scored),
        agree=sum(ours == label.status for label, ours in scored),
        false_accusations=sum(ours == "no_cumple" and label.status == "cumple" for label, ours in scored),
        false_credit=sum(ours == "cumple" and label.status == "no_cumple" for label, ours in scored),
        decided=sum(ours in ("cumple", "no_cumple") for _, ours in scored),
        disagreements=tuple(
            Disagreement(label.site, label.check_id, ours, label.status)
            for label, ours in scored
            if ours != label.status
        ),
    )


def compare(
    labels: Iterable[Label],
    verdicts: Mapping[str, Mapping[str, str]],
    check_ids: Sequence[str],
    measured_on: date,
    catalogue_version: str,
) -> Measurement:
    """Compare labels with our verdicts (site → check → status; a missing verdict counts as indeterminado)."""
    pairs = [(label, verdicts.get(label.site, {}).get(label.check_id, "indeterminado")) for label in labels]
    per_check = tuple(_count(check_id, [p for p in pairs if p[0].check_id == check_id]) for check_id in check_ids)
    return Measurement(
        measured_on=measured_on,
        catalogue_version=catalogue_version,
        sites=len({label.site for label, _ in pairs}),
        checks=per_check,
        totals=with_disagreements(_count(TOTAL, pairs), per_check),
    )


def with_disagreements(totals: CheckFigures, checks: Iterable[CheckFigures]) -> CheckFigures:
    """The totals listing every check's disagreements, check by check."""
    return replace(totals, disagreements=tuple(d for f in checks for d in f.disagreements))
